import FPLabCommandLine
import Testing

/// The help screen is part of the interface: a change to it shows up here and is reviewed.
@Suite struct HelpTextTests {
    @Test func forwardHelpAtOneHundredColumns() {
        let help = FPLab.helpMessage(for: Forward.self, columns: 100)
        #expect(help == Self.expectedForwardHelp)
    }

    static let expectedForwardHelp = """
        OVERVIEW: Solve the forward Fokker–Planck equation for a Gaussian mixture and compare with the
        exact density.

        The density starts as the mixture and evolves under the model's SDE to time T. At t = 0 and at n
        evenly spaced times the table shows the L1 and max errors against the exact evolved mixture, the
        mass, the smallest density value and the KL divergence to the stationary law (none for VE). Exit
        status 2 when the run stops early (a non-finite value, or mass drift); what was measured is printed.

        USAGE: fplab forward <options>

        MODEL:
          --model <model>         The forward SDE: ou (dX = -X dt + sqrt(2) dB), vp (variance preserving),
                                  ve (variance exploding), sub-vp (score_sde's), cosine (Nichol and
                                  Dhariwal's schedule as VP), edm (sigma = t), table (beta(t) or sigma(t)
                                  from --schedule-file). (values: ou, vp, ve, sub-vp, cosine, edm, table;
                                  default: ou)
          --beta-min <beta>       VP and sub-VP only: beta at t = 0 (default: 0.1).
          --beta-max <beta>       VP and sub-VP: beta at t = 1 (default: 20); cosine: the clip of beta(t)
                                  (default: 999, the discrete 0.999 clip of 1000 steps).
          --schedule-file <file>  --model table: a CSV file with the header t,beta or t,sigma and rows from
                                  t = 0 on, strictly increasing in t (beta >= 0; sigma >= 0,
                                  non-decreasing), linear between rows, held after the last.
          --sigma-min <sigma>     VE only: sigma at t = 0 (default: 0.01).
          --sigma-max <sigma>     VE only: sigma at t = 1 (default: 50).

        INITIAL DENSITY AND GRID:
          --mixture <spec>        Initial Gaussian mixture, components 'weight:mean:std' joined by ';' (a
                                  2-D mean is 'x,y'; weights sum to 1; default: '0.3:-2:0.2;0.7:1.5:0.5' in
                                  1-D, '0.5:-1.5,0:0.5;0.5:1.5,1:0.5' in 2-D,
                                  '0.5:-1.5,0,0:0.5;0.5:1.5,1,0.5:0.5' in 3-D).
          --dimension <d>         Space dimension, 1, 2 or 3 (3: forward and crosscheck). (default: 1)
          --points <n>            Cells per axis (at least 2, at most what fits in the available memory at
                                  about 256 bytes a cell; default: 256 in 1-D, 128 in 2-D, 32 in 3-D).
          --half-width <L>        The box is [-L, L]^d (1e-06 to 1e+06; default: 10 in 1-D, 8 in 2-D, 6 in
                                  3-D).

        TIME:
          --time <T>              End time T (0 to 1000; T = 0 reports the initial density only). (default:
                                  1.0)
          --snapshots <n>         Report at t = 0 and at the n times j T / n, j = 1...n (1 to 1000).
                                  (default: 4)

        SOLVER:
          --solver <solver>       Fokker–Planck solver: spectral (periodic box) or finite-volume (no-flux
                                  walls). (values: spectral, finite-volume; default: spectral)
          --method <method>       Time stepping: if-rk4 or strang for spectral (default if-rk4), tr-bdf2 or
                                  backward-euler for finite-volume (default tr-bdf2); exact-linear
                                  (spectral) evaluates the exact Fourier solution rho^_0(m k) exp(-v |k|^2
                                  / 2) of the linear SDE at each snapshot time (chirp-z transforms, no time
                                  steps: --steps only moves the clock). (values: if-rk4, strang,
                                  backward-euler, tr-bdf2, exact-linear)
          --steps <K>             Time steps from 0 to T (1 to 10^9; default: the solver's suggestion).
          --planning <planning>   FFTW planning: estimate (instant, the same bits on every run) or measure
                                  (times candidate plans first, and keeps what it learns in the wisdom
                                  file). (values: estimate, measure; default: estimate)
          --wisdom <file>         FFTW wisdom for --planning measure, read before planning and saved after,
                                  so each transform size is timed once (default:
                                  $XDG_CACHE_HOME/fplab/fftw-wisdom, else ~/.cache/fplab/fftw-wisdom; none:
                                  keep no wisdom).

        RUN AND OUTPUT:
          --seed <n>              Seed for random draws (0 to 2^64 - 1). (default: 1)
          --threads <n>           Threads for the FFTW transforms, the particle sampler, the matrix
                                  products and the nearest-neighbour searches (1 to 64; default: the cores
                                  this process may use); random draws do not depend on it.
          --format <format>       How results are printed on standard output. (values: text, json, csv,
                                  markdown; default: text)
          --output <dir>          Also write manifest.json and CSV files into this directory (created if
                                  missing).

        OPTIONS:
          --version               Show the version.
          -h, --help              Show help information.

        """
}
