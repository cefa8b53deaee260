#ifndef FOKKER_PLANCK_LAB_CBLAS_SHIM_H
#define FOKKER_PLANCK_LAB_CBLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). pkg-config `openblas` puts the directory of the
// pthread variant's cblas.h first on the include path; that header also declares openblas_set_num_threads.
#include <cblas.h>
#endif
