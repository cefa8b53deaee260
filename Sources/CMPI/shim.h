#ifndef FOKKER_PLANCK_LAB_CMPI_SHIM_H
#define FOKKER_PLANCK_LAB_CMPI_SHIM_H
// Open MPI and FFTW's MPI interface (Debian: libopenmpi-dev, libfftw3-mpi-dev); used only by CMessagePassing, and
// only when the package is built with its MPI trait.
#include <mpi.h>
#include <fftw3-mpi.h>
#endif
