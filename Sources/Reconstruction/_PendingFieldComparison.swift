import GridFields

// Stand-ins for GridFields' distances until they are merged (removed then).
extension Field {
    func totalVariationDistance(to other: Field) -> Double { 0.5 * distanceL1(to: other) }

    func wassersteinDistance(to other: Field, directions: Int = 64) -> Double {
        guard isFinite, other.isFinite, grid.dimension == 1 else { return .nan }
        let first = values.map { max($0, 0) }, second = other.values.map { max($0, 0) }
        let firstMass = first.reduce(0, +), secondMass = second.reduce(0, +)
        var left = 0.0, integral = 0.0
        for (a, b) in zip(first, second) {
            let right = left + a / firstMass - b / secondMass
            integral += (left >= 0) == (right >= 0) ? 0.5 * (abs(left) + abs(right)) : 0.5 * (left * left + right * right) / (abs(left) + abs(right))
            left = right
        }
        return integral * grid.spacing(axis: 0)
    }
}
