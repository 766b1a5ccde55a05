// mm_bench.c: times Myelin's generated matmul kernels against OpenBLAS sgemm.
//
// bench/bench.py writes `shapes.h` and the kernels (one object with the
// OpenMP-parallel kernels mm_<i>, one with the single-threaded mm_st_<i>,
// both from build/bin/myelin-opt --myelin-lower-kernels) and links them with
// this file and -lopenblas. shapes.h defines
//   #define MM_SHAPES(X) X(i, batch, M, K, N, transA, transB) ...
// for C[b] (M x N) = op(A[b]) * op(B[b]), where op(A) is M x K (stored K x M
// when transA) and op(B) is K x N (stored N x K when transB). The kernels
// take bare pointers (the pipeline's useBarePtrCallConv): mm_i(A, B, C).
//
// For each shape and repeat, interleaved so that machine noise hits all four
// alike: generated with the OpenMP threads, OpenBLAS with as many threads,
// generated single-threaded, OpenBLAS with 1 thread. Each timing runs the
// kernel enough times to last >= --min-ms. Prints one JSON line per shape:
//   {"id":i,"batch":..,"m":..,"k":..,"n":..,"ta":..,"tb":..,"threads":T,
//    "gflops":{"gen":[...],"blas":[...],"gen1":[...],"blas1":[...]},
//    "max_rel_err":e,"max_rel_err1":e1}
// (GFLOP/s of each repeat; the error is max |gen - blas| / max |blas|.)
//
// Usage: mm_bench [--repeats R] [--min-ms MS] [--threads T]

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shapes.h"

void openblas_set_num_threads(int);

#define DECLARE(i, batch, m, k, n, ta, tb)                                     \
  void mm_##i(float *, float *, float *);                                      \
  void mm_st_##i(float *, float *, float *);
MM_SHAPES(DECLARE)

typedef void (*Kernel)(float *, float *, float *);

typedef struct {
  int id;
  long batch, m, k, n;
  int ta, tb;
  Kernel gen, gen1;
} Shape;

#define ENTRY(i, batch, m, k, n, ta, tb)                                       \
  {i, batch, m, k, n, ta, tb, mm_##i, mm_st_##i},
static const Shape kShapes[] = {MM_SHAPES(ENTRY)};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void blas(const Shape *s, const float *a, const float *b, float *c) {
  for (long i = 0; i < s->batch; ++i)
    cblas_sgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans,
                s->tb ? CblasTrans : CblasNoTrans, s->m, s->n, s->k, 1.0f,
                a + i * s->m * s->k, s->ta ? s->m : s->k, b + i * s->k * s->n,
                s->tb ? s->k : s->n, 0.0f, c + i * s->m * s->n, s->n);
}

enum Impl { GEN, BLAS, GEN1, BLAS1 };

static void run(enum Impl impl, const Shape *s, float *a, float *b, float *c) {
  if (impl == GEN)
    s->gen(a, b, c);
  else if (impl == GEN1)
    s->gen1(a, b, c);
  else
    blas(s, a, b, c);
}

/// GFLOP/s of `impl` over enough calls to last `minMs` (calibrated by one
/// call, which also warms the caches and thread pools).
static double timeImpl(enum Impl impl, const Shape *s, float *a, float *b,
                       float *c, double minMs, int threads) {
  if (impl == BLAS)
    openblas_set_num_threads(threads);
  if (impl == BLAS1)
    openblas_set_num_threads(1);
  double t0 = now();
  run(impl, s, a, b, c);
  double once = now() - t0;
  long calls = once > 0 ? (long)ceil(minMs * 1e-3 / once) : 1;
  if (calls < 1)
    calls = 1;
  t0 = now();
  for (long i = 0; i < calls; ++i)
    run(impl, s, a, b, c);
  double dt = now() - t0;
  double flops = 2.0 * s->batch * s->m * s->k * s->n * calls;
  return flops / dt * 1e-9;
}

static double maxRelErr(const float *x, const float *ref, long n) {
  double maxRef = 0, maxDiff = 0;
  for (long i = 0; i < n; ++i) {
    double r = fabs(ref[i]), d = fabs((double)x[i] - ref[i]);
    if (r > maxRef)
      maxRef = r;
    if (d > maxDiff || isnan(d))
      maxDiff = isnan(d) ? INFINITY : d;
  }
  return maxRef > 0 ? maxDiff / maxRef : maxDiff;
}

static void printList(const char *name, const double *v, int n, int last) {
  printf("\"%s\":[", name);
  for (int i = 0; i < n; ++i)
    printf("%s%.3f", i ? "," : "", v[i]);
  printf("]%s", last ? "" : ",");
}

int main(int argc, char **argv) {
  int repeats = 3, threads = omp_get_max_threads();
  double minMs = 200;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
      repeats = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc)
      minMs = atof(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: mm_bench [--repeats R] [--min-ms MS] "
                      "[--threads T]\n");
      return 1;
    }
  }
  if (repeats < 1 || threads < 1 || !(minMs >= 0)) {
    fprintf(stderr, "mm_bench: --repeats and --threads must be >= 1, "
                    "--min-ms >= 0\n");
    return 1;
  }
  omp_set_num_threads(threads);
  srand(1);
  for (size_t si = 0; si < sizeof(kShapes) / sizeof(kShapes[0]); ++si) {
    const Shape *s = &kShapes[si];
    long na = s->batch * s->m * s->k, nb = s->batch * s->k * s->n,
         nc = s->batch * s->m * s->n;
    float *a = aligned_alloc(64, ((na * 4 + 63) / 64) * 64);
    float *b = aligned_alloc(64, ((nb * 4 + 63) / 64) * 64);
    float *c = aligned_alloc(64, ((nc * 4 + 63) / 64) * 64);
    float *ref = aligned_alloc(64, ((nc * 4 + 63) / 64) * 64);
    if (!a || !b || !c || !ref) {
      fprintf(stderr, "mm_bench: out of memory\n");
      return 1;
    }
    for (long i = 0; i < na; ++i)
      a[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    for (long i = 0; i < nb; ++i)
      b[i] = (float)rand() / (float)RAND_MAX - 0.5f;

    // Correctness first: both generated kernels against OpenBLAS.
    openblas_set_num_threads(threads);
    blas(s, a, b, ref);
    memset(c, 0xff, nc * 4); // NaN: a kernel that skips elements fails
    s->gen(a, b, c);
    double err = maxRelErr(c, ref, nc);
    memset(c, 0xff, nc * 4);
    s->gen1(a, b, c);
    double err1 = maxRelErr(c, ref, nc);

    double g[4][64];
    if (repeats > 64)
      repeats = 64;
    for (int r = 0; r < repeats; ++r)
      for (int impl = GEN; impl <= BLAS1; ++impl)
        g[impl][r] = timeImpl((enum Impl)impl, s, a, b, c, minMs, threads);

    printf("{\"id\":%d,\"batch\":%ld,\"m\":%ld,\"k\":%ld,\"n\":%ld,\"ta\":%d,"
           "\"tb\":%d,\"threads\":%d,\"gflops\":{",
           s->id, s->batch, s->m, s->k, s->n, s->ta, s->tb, threads);
    printList("gen", g[GEN], repeats, 0);
    printList("blas", g[BLAS], repeats, 0);
    printList("gen1", g[GEN1], repeats, 0);
    printList("blas1", g[BLAS1], repeats, 1);
    printf("},\"max_rel_err\":%.3g,\"max_rel_err1\":%.3g}\n", err, err1);
    fflush(stdout);
    free(a);
    free(b);
    free(c);
    free(ref);
  }
  return 0;
}
