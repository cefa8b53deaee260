#ifndef FOKKER_PLANCK_LAB_MESSAGE_PASSING_H
#define FOKKER_PLANCK_LAB_MESSAGE_PASSING_H
// The few MPI calls fplab needs, on MPI_COMM_WORLD, without MPI's types in the interface (Open MPI's handles are
// macros over structures Swift cannot import). Built with the package's MPI trait these call Open MPI; without it
// they are not defined, and the Swift side (MessagePassing.Communicator) never calls them.
#include <stddef.h>
#include <stdint.h>

// 1 when MPI is now initialized (the process was started by mpirun, srun or another launcher, detected from the
// launcher's environment), 0 when the process runs alone. Thread level: funneled (only the main thread calls MPI).
int message_passing_initialize(void);
int message_passing_rank(void);
int message_passing_size(void);
void message_passing_finalize(void);
void message_passing_abort(int code);
void message_passing_barrier(void);
// In place over all ranks: the element-wise largest value (exact) and the element-wise sum of 64-bit integers
// (exact). 0 on success, else the MPI error code.
int message_passing_maximum(double *values, size_t count);
int message_passing_sum_integers(int64_t *values, size_t count);
int message_passing_sum_doubles(double *values, size_t count);
int message_passing_broadcast(void *bytes, size_t count, int root);
// Every rank sends `count` bytes; root receives them in rank order into `received` (room for the sum of all
// counts, which root learns first from message_passing_gather_counts).
int message_passing_gather_counts(int64_t count, int64_t *counts, int root);
int message_passing_gather_bytes(const void *bytes, int64_t count, void *received, const int64_t *counts, int root);

// FFTW's MPI interface over MPI_COMM_WORLD: slab decomposition along the first axis (fftw_mpi_init on first use).
// Local sizes of a real-to-complex transform of n0 x n1 x n2 reals (n2 / 2 + 1 complex along the last axis):
// returns the complex elements to allocate; sets the local slab's first index and extent along axis 0.
ptrdiff_t message_passing_fftw_local_size_3d(
    ptrdiff_t n0, ptrdiff_t n1, ptrdiff_t n2, ptrdiff_t *local_n0, ptrdiff_t *local_0_start);
// Plans of the in-place r2c and c2r transforms on the padded slab `data` (2 (n2 / 2 + 1) reals a row), output not
// transposed (the spectrum has the same slabs as the grid). FFTW_ESTIMATE: every rank plans the same algorithm
// without timing it, and planning does not touch `data`.
void *message_passing_fftw_plan_r2c_3d(ptrdiff_t n0, ptrdiff_t n1, ptrdiff_t n2, double *data);
void *message_passing_fftw_plan_c2r_3d(ptrdiff_t n0, ptrdiff_t n1, ptrdiff_t n2, double *data);
void message_passing_fftw_execute(void *plan);
void message_passing_fftw_destroy(void *plan);

// Collective write of each rank's bytes at its offset in one file (MPI-IO). 0 on success.
int message_passing_write_at(const char *path, int64_t offset, const void *bytes, int64_t count);
#endif
