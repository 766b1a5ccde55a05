// fma_peak.c: measures the fp32 FMA throughput of this machine, the ceiling
// the benchmark reports its GFLOP/s against.
//
// Each thread runs 16 independent chains of 512-bit fused multiply-adds
// (16 lanes, 2 flops each), enough to cover the FMA latency (4 cycles) on
// both FMA ports (2 per cycle). Prints one JSON line:
//   {"threads":[1,N],"median":[g1,gN],"max":[g1,gN],"cpu":[g1,gN],"repeats":R}
// "median" and "max": wall-clock GFLOP/s, the median and the best of R timed
// repeats, for 1 thread and for N threads. "cpu": the median over repeats of
// the flops each thread did divided by the CPU time that thread was
// scheduled (CLOCK_THREAD_CPUTIME_ID), summed over threads: the rate of the
// cores while they run this code, which time-slicing on a shared machine does
// not lower. On a quiet machine the three agree.
//
// Build: clang-19 -O2 -mavx512f -mfma -fopenmp=libomp fma_peak.c -o fma_peak
// Usage: fma_peak [repeats] [iterations-per-repeat] [max-threads]

#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 16

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/// Runs `iters` rounds of CHAINS dependent FMA chains; returns a value that
/// depends on every chain so nothing is optimized away.
static float chains(long iters, float seed) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; ++i)
    acc[i] = _mm512_set1_ps(seed + (float)i * 1e-3f);
  // x * a + b with a slightly below 1 keeps the values bounded.
  const __m512 a = _mm512_set1_ps(0.999999f);
  const __m512 b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iters; ++it) {
#pragma clang loop unroll(disable)
    for (int r = 0; r < 4; ++r) {
      // The 16 chains are independent; the compiler keeps each in a zmm.
      acc[0] = _mm512_fmadd_ps(acc[0], a, b);
      acc[1] = _mm512_fmadd_ps(acc[1], a, b);
      acc[2] = _mm512_fmadd_ps(acc[2], a, b);
      acc[3] = _mm512_fmadd_ps(acc[3], a, b);
      acc[4] = _mm512_fmadd_ps(acc[4], a, b);
      acc[5] = _mm512_fmadd_ps(acc[5], a, b);
      acc[6] = _mm512_fmadd_ps(acc[6], a, b);
      acc[7] = _mm512_fmadd_ps(acc[7], a, b);
      acc[8] = _mm512_fmadd_ps(acc[8], a, b);
      acc[9] = _mm512_fmadd_ps(acc[9], a, b);
      acc[10] = _mm512_fmadd_ps(acc[10], a, b);
      acc[11] = _mm512_fmadd_ps(acc[11], a, b);
      acc[12] = _mm512_fmadd_ps(acc[12], a, b);
      acc[13] = _mm512_fmadd_ps(acc[13], a, b);
      acc[14] = _mm512_fmadd_ps(acc[14], a, b);
      acc[15] = _mm512_fmadd_ps(acc[15], a, b);
    }
  }
  __m512 sum = acc[0];
  for (int i = 1; i < CHAINS; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);
}

/// Flops of one call of chains(iters): 4 rounds x CHAINS FMAs x 16 lanes x 2.
static double flopsPerCall(long iters) {
  return (double)iters * 4 * CHAINS * 16 * 2;
}

static int cmpDouble(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double threadCpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double median(double *v, int n) {
  qsort(v, n, sizeof(double), cmpDouble);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static volatile float sink;

/// GFLOP/s of `threads` threads each running chains(iters) over `repeats`
/// timed runs (after one warm-up run): the median and the best.
static void measure(int threads, long iters, int repeats, double *med,
                    double *best, double *cpu) {
  double *g = malloc(sizeof(double) * repeats);
  double *c = malloc(sizeof(double) * repeats);
  for (int r = -1; r < repeats; ++r) {
    float total = 0;
    double cpuRate = 0;
    double t0 = now();
#pragma omp parallel num_threads(threads) reduction(+ : total, cpuRate)
    {
      double c0 = threadCpu();
      total += chains(iters, 1.0f + omp_get_thread_num());
      cpuRate += flopsPerCall(iters) / (threadCpu() - c0) * 1e-9;
    }
    double dt = now() - t0;
    sink = total;
    if (r >= 0) {
      g[r] = flopsPerCall(iters) * threads / dt * 1e-9;
      c[r] = cpuRate;
    }
  }
  *med = median(g, repeats);
  *best = g[repeats - 1];
  *cpu = median(c, repeats);
  free(g);
  free(c);
}

int main(int argc, char **argv) {
  int repeats = argc > 1 ? atoi(argv[1]) : 11;
  long iters = argc > 2 ? atol(argv[2]) : 3000000L;
  int maxThreads = argc > 3 ? atoi(argv[3]) : omp_get_num_procs();
  if (repeats < 1 || iters < 1 || maxThreads < 1) {
    fprintf(stderr, "usage: fma_peak [repeats>=1] [iterations>=1] "
                    "[max-threads>=1]\n");
    return 1;
  }
  double med1, best1, cpu1, medN, bestN, cpuN;
  measure(1, iters, repeats, &med1, &best1, &cpu1);
  measure(maxThreads, iters, repeats, &medN, &bestN, &cpuN);
  printf("{\"threads\":[1,%d],\"median\":[%.2f,%.2f],\"max\":[%.2f,%.2f],"
         "\"cpu\":[%.2f,%.2f],\"repeats\":%d}\n",
         maxThreads, med1, medN, best1, bestN, cpu1, cpuN, repeats);
  return 0;
}
