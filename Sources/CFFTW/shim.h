#ifndef FOKKER_PLANCK_LAB_CFFTW_SHIM_H
#define FOKKER_PLANCK_LAB_CFFTW_SHIM_H
// <complex.h> is deliberately not included first: fftw_complex then imports as (Double, Double),
// interleaved real and imaginary parts.
#include <fftw3.h>
#endif
