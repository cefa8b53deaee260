import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The SVG parsed by Foundation's XML parser (libxml2 on Linux): parsing fails on any well-formedness error.
func parsedSVG(_ svg: String) throws -> XMLElement {
    let document = try XMLDocument(xmlString: svg, options: [])
    let root = try #require(document.rootElement())
    #expect(root.name == "svg")
    return root
}

/// The value of attribute `name` on `element`. (Looked up through `attributes`: on Linux,
/// `attribute(forName:)` finds nothing on elements in SVG's default namespace.)
func attributeValue(_ element: XMLElement, _ name: String) -> String? {
    element.attributes?.first { $0.name == name }?.stringValue
}

/// Every element under `element` (depth first, document order), the element itself excluded.
func descendants(of element: XMLElement) -> [XMLElement] {
    var found: [XMLElement] = []
    for child in element.children ?? [] {
        if let childElement = child as? XMLElement {
            found.append(childElement)
            found += descendants(of: childElement)
        }
    }
    return found
}

/// Elements named `name` under `element`, optionally only those whose class attribute is `className`.
func elements(_ name: String, in element: XMLElement, className: String? = nil) -> [XMLElement] {
    descendants(of: element).filter { candidate in
        candidate.name == name && (className.map { attributeValue(candidate, "class") == $0 } ?? true)
    }
}

/// The first element of class `className` under `element`.
func group(_ className: String, in element: XMLElement) -> XMLElement? {
    descendants(of: element).first { attributeValue($0, "class") == className }
}

/// The text content of `element` (its tspans included), with the U+2212 minus spelled "-".
func text(_ element: XMLElement) -> String {
    (element.stringValue ?? "").replacingOccurrences(of: "\u{2212}", with: "-")
}

/// A fixed-seed SplitMix64 stream for test data (the test target depends on Figures only).
struct TestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on (0, 1).
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// Standard normal by Box–Muller.
    mutating func normal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
}
