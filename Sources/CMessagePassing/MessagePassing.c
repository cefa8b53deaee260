#include "MessagePassing.h"

#ifdef FOKKER_PLANCK_LAB_MPI
#include <limits.h>
#include <stdlib.h>
#include <fftw3-mpi.h>
#include <mpi.h>

static int started_by_launcher(void) {
    static const char *const names[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS"};
    for (size_t index = 0; index < sizeof names / sizeof names[0]; index++) {
        if (getenv(names[index]) != NULL) return 1;
    }
    return 0;
}

static void finalize_at_exit(void) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
}

int message_passing_initialize(void) {
    if (!started_by_launcher()) return 0;
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return 0;
    atexit(finalize_at_exit);
    return 1;
}

int message_passing_rank(void) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int message_passing_size(void) {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

void message_passing_finalize(void) { finalize_at_exit(); }
void message_passing_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }
void message_passing_barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

// MPI counts are int: long buffers go in pieces of at most 2^30 elements.
#define PIECE ((size_t)1 << 30)

static int allreduce_in_place(void *values, size_t count, size_t width, MPI_Datatype type, MPI_Op operation) {
    for (size_t start = 0; start < count; start += PIECE) {
        int piece = (int)(count - start < PIECE ? count - start : PIECE);
        int status = MPI_Allreduce(MPI_IN_PLACE, (char *)values + start * width, piece, type, operation, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
    }
    return 0;
}

int message_passing_maximum(double *values, size_t count) {
    return allreduce_in_place(values, count, sizeof(double), MPI_DOUBLE, MPI_MAX);
}

int message_passing_sum_integers(int64_t *values, size_t count) {
    return allreduce_in_place(values, count, sizeof(int64_t), MPI_INT64_T, MPI_SUM);
}

int message_passing_sum_doubles(double *values, size_t count) {
    return allreduce_in_place(values, count, sizeof(double), MPI_DOUBLE, MPI_SUM);
}

int message_passing_broadcast(void *bytes, size_t count, int root) {
    for (size_t start = 0; start < count; start += PIECE) {
        int piece = (int)(count - start < PIECE ? count - start : PIECE);
        int status = MPI_Bcast((char *)bytes + start, piece, MPI_BYTE, root, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
    }
    return 0;
}

int message_passing_gather_counts(int64_t count, int64_t *counts, int root) {
    return MPI_Gather(&count, 1, MPI_INT64_T, counts, 1, MPI_INT64_T, root, MPI_COMM_WORLD);
}

int message_passing_gather_bytes(const void *bytes, int64_t count, void *received, const int64_t *counts, int root) {
    int rank = message_passing_rank(), size = message_passing_size();
    int *sizes = NULL, *offsets = NULL;
    if (rank == root) {
        sizes = malloc(sizeof(int) * (size_t)size);
        offsets = malloc(sizeof(int) * (size_t)size);
        if (sizes == NULL || offsets == NULL) return -1;
        int64_t offset = 0;
        for (int index = 0; index < size; index++) {
            if (counts[index] > INT_MAX || offset > INT_MAX) {
                free(sizes);
                free(offsets);
                return -1;
            }
            sizes[index] = (int)counts[index];
            offsets[index] = (int)offset;
            offset += counts[index];
        }
    }
    if (count > INT_MAX) return -1;
    int status = MPI_Gatherv(bytes, (int)count, MPI_BYTE, received, sizes, offsets, MPI_BYTE, root, MPI_COMM_WORLD);
    free(sizes);
    free(offsets);
    return status;
}

static void fftw_initialize_once(void) {
    static int initialized = 0;
    if (!initialized) {
        fftw_mpi_init();
        initialized = 1;
    }
}

ptrdiff_t message_passing_fftw_local_size_3d(
    ptrdiff_t n0, ptrdiff_t n1, ptrdiff_t n2, ptrdiff_t *local_n0, ptrdiff_t *local_0_start) {
    fftw_initialize_once();
    return fftw_mpi_local_size_3d(n0, n1, n2 / 2 + 1, MPI_COMM_WORLD, local_n0, local_0_start);
}

void *message_passing_fftw_plan_r2c_3d(ptrdiff_t n0, ptrdiff_t n1, ptrdiff_t n2, double *data) {
    fftw_initialize_once();
    return fftw_mpi_plan_dft_r2c_3d(n0, n1, n2, data, (fftw_complex *)data, MPI_COMM_WORLD, FFTW_ESTIMATE);
}

void *message_passing_fftw_plan_c2r_3d(ptrdiff_t n0, ptrdiff_t n1, ptrdiff_t n2, double *data) {
    fftw_initialize_once();
    return fftw_mpi_plan_dft_c2r_3d(n0, n1, n2, (fftw_complex *)data, data, MPI_COMM_WORLD, FFTW_ESTIMATE);
}

void message_passing_fftw_execute(void *plan) { fftw_execute((fftw_plan)plan); }
void message_passing_fftw_destroy(void *plan) { fftw_destroy_plan((fftw_plan)plan); }

int message_passing_write_at(const char *path, int64_t offset, const void *bytes, int64_t count) {
    MPI_File file;
    int status = MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_WRONLY | MPI_MODE_CREATE, MPI_INFO_NULL, &file);
    if (status != MPI_SUCCESS) return status;
    const char *cursor = bytes;
    int64_t written = 0;
    // Every rank takes part in the same number of collective calls: the largest piece count over the ranks.
    int64_t pieces = (count + (int64_t)PIECE - 1) / (int64_t)PIECE, most = 0;
    MPI_Allreduce(&pieces, &most, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    for (int64_t piece = 0; piece < most; piece++) {
        int64_t left = count - written;
        int length = (int)(left <= 0 ? 0 : (left < (int64_t)PIECE ? left : (int64_t)PIECE));
        status = MPI_File_write_at_all(file, offset + written, cursor + written, length, MPI_BYTE, MPI_STATUS_IGNORE);
        if (status != MPI_SUCCESS) break;
        written += length;
    }
    int closing = MPI_File_close(&file);
    return status != MPI_SUCCESS ? status : closing;
}
#endif
