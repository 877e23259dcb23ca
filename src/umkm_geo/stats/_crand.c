/*
 * umkm_geo._crand: conditional-permutation counts for local spatial statistics.
 *
 * For every unit i in [start, stop) and each of R permutations, k_i distinct other units
 * d_1..d_k are drawn uniformly from {0..n-1} \ {i} (k_i = number of neighbours of i), given
 * i's weights w_ik in CSR order, and the simulated statistic
 *
 *     sim = a_i * sum_k w_ik * x1[d_k] + b_i * sum_k w_ik * x2[d_k] + c_i
 *
 * is compared with the observed one. Only counts and moments are kept (never the R x n
 * simulations):
 *
 *     n_ge[i] = #{sim >= observed_i - tol_i},  n_le[i] = #{sim <= observed_i + tol_i},
 *     mean[i], sd[i] (ddof 0) of sim,          tol_i = 1e-12 * max(1, |observed_i|).
 *
 * Units without neighbours get n_ge = n_le = -1 and NaN mean and sd.
 *
 * Random numbers: each unit has its own SplitMix64 stream (Steele, Lea and Flood 2014) started
 * at mix64(mix64(seed) + i), mix64 being the splitmix64 finaliser: output t = 1, 2, ... is
 * mix64(start + t * 0x9E3779B97F4A7C15), a function of the counter alone, so that successive
 * draws do not wait on one another. A unit's draws depend only on (seed, i, R), not on how
 * units are split among threads. Bounded integers are unbiased (Lemire's multiply-shift method
 * with rejection). Distinct indices are drawn
 *   - while k is small relative to n (the common case), as whole samples: draws uniform over
 *     all n units, B = 2 to 4 from each 64-bit output (batched Lemire, n**B < 2**64), taken k
 *     at a time; a sample is given up at its first draw that is the unit itself or a repeat
 *     (see whole_sample);
 *   - for middling k draw by draw, each redrawn until new, and for large k by a partial
 *     Fisher-Yates shuffle of a per-call scratch array (undone after each permutation); both
 *     from 32-bit draws, the upper then the lower half of each output (see draw_method).
 *
 * Arrays come through the buffer protocol (no NumPy headers): C-contiguous, 8-byte items,
 * format 'd' (float64) or 'q'/'l' (int64). The GIL is released around the loop so that Python
 * threads can run disjoint [start, stop) chunks in parallel; each call writes only its chunk
 * of the output arrays.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(_MSC_VER)
#define CRAND_INLINE __inline
#else
#define CRAND_INLINE inline
#endif

/* ------------------------------------------------------------------------------------------ */
/* Random numbers                                                                             */
/* ------------------------------------------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
#define CRAND_LIKELY(x) __builtin_expect(!!(x), 1)
#define CRAND_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CRAND_NOINLINE __attribute__((noinline))
#define CRAND_PREFETCH(p) __builtin_prefetch(p)
#elif defined(_MSC_VER)
#define CRAND_LIKELY(x) (x)
#define CRAND_UNLIKELY(x) (x)
#define CRAND_NOINLINE __declspec(noinline)
#if defined(_M_X64) || defined(_M_AMD64)
#include <intrin.h>
#include <xmmintrin.h>
#define CRAND_PREFETCH(p) _mm_prefetch((const char *)(p), _MM_HINT_T0)
#elif defined(_M_ARM64)
#include <intrin.h>
#define CRAND_PREFETCH(p) ((void)0)
#else
#define CRAND_PREFETCH(p) ((void)0)
#endif
#else
#define CRAND_LIKELY(x) (x)
#define CRAND_UNLIKELY(x) (x)
#define CRAND_NOINLINE
#define CRAND_PREFETCH(p) ((void)0)
#endif

#define GOLDEN_GAMMA UINT64_C(0x9E3779B97F4A7C15)

/* splitmix64 finaliser: a bijection of 64-bit integers with good avalanche */
static CRAND_INLINE uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A unit's stream: SplitMix64 started at mix64(mix64(seed) + unit). */
static CRAND_INLINE uint64_t stream_start(uint64_t seed, uint64_t unit) { return mix64(mix64(seed) + unit); }

/* Next output: mix64 of the advanced counter (a function of the counter alone). */
static CRAND_INLINE uint64_t stream_next(uint64_t *state)
{
    *state += GOLDEN_GAMMA;
    return mix64(*state);
}

/* Upper 64 bits of the 128-bit product a * b; the lower 64 bits go to *lo. */
static CRAND_INLINE uint64_t mul128(uint64_t a, uint64_t b, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128; /* GCC and Clang on 64-bit targets */
    const u128 p = (u128)a * b;
    *lo = (uint64_t)p;
    return (uint64_t)(p >> 64);
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_AMD64))
    uint64_t hi;
    *lo = _umul128(a, b, &hi);
    return hi;
#elif defined(_MSC_VER) && defined(_M_ARM64)
    *lo = a * b;
    return __umulh(a, b);
#else
    const uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* --- 32-bit draws (draw-by-draw and Fisher-Yates methods) --- */

/* Rare path of lemire32(): redraw from the upper halves of further outputs while the product
 * falls in the biased zone. */
static CRAND_NOINLINE uint64_t lemire32_redraw(uint64_t m, uint32_t range, uint64_t *state)
{
    const uint32_t threshold = (uint32_t)(-range) % range;
    while ((uint32_t)m < threshold) {
        m = (stream_next(state) >> 32) * (uint64_t)range;
    }
    return m;
}

/* Unbiased integer in [0, range), range >= 1, from 32 random bits (Lemire 2019, "Fast random
 * integer generation in an interval"): multiply-shift, rejecting the few low products that
 * would bias it. */
static CRAND_INLINE uint32_t lemire32(uint32_t bits, uint32_t range, uint64_t *state)
{
    uint64_t m = (uint64_t)bits * (uint64_t)range;
    if (CRAND_UNLIKELY((uint32_t)m < range)) {
        m = lemire32_redraw(m, range, state);
    }
    return (uint32_t)(m >> 32);
}

/* A stream read 32 bits at a time: the upper half of an output, then its lower half. */
typedef struct {
    uint64_t state;
    uint64_t spare;
    int has_spare;
} stream32;

static CRAND_INLINE uint32_t bounded32(stream32 *g, uint32_t range)
{
    uint32_t bits;
    if (g->has_spare) {
        g->has_spare = 0;
        bits = (uint32_t)g->spare;
    }
    else {
        g->spare = stream_next(&g->state);
        g->has_spare = 1;
        bits = (uint32_t)(g->spare >> 32);
    }
    return lemire32(bits, range, &g->state);
}

/* --- batches of draws over [0, n) (whole samples) ---
 *
 * B draws from one 64-bit output r, with n**B < 2**64 (Brackett-Rozinsky and Lemire 2024,
 * "Batched ranged random integer generation"): the draws are the base-n digits, most
 * significant first, of floor(r * n**B / 2**64), computed by B successive multiplications
 * (m = lo * n: digit = upper half, lo = lower half). That number is uniform over [0, n**B),
 * so the digits are independent and uniform over [0, n), once the outputs whose final lo
 * (= r * n**B mod 2**64) falls below 2**64 mod n**B are rejected: Lemire's method for the
 * range n**B, rejecting with probability below n**B / 2**64 (3e-5 for n = 80,000, B = 3). */
typedef struct {
    uint64_t n;
    uint64_t bound;     /* n**B */
    uint64_t threshold; /* 2**64 mod n**B */
    int per_output;     /* B: the largest of 2, 3, 4 with n**B <= 2**64 - 1 (n < 2**32) */
} batch;

static batch batch_for(uint32_t n)
{
    batch b = {n, (uint64_t)n * n, 0, 2};
    while (b.per_output < 4 && b.bound <= UINT64_MAX / n) {
        b.bound *= n;
        b.per_output++;
    }
    b.threshold = (0 - b.bound) % b.bound;
    return b;
}

/* One batch of per_output draws into out, prefetching the values of x they will read. */
static CRAND_INLINE void draw_batch(uint32_t *out, uint64_t *state, const batch *b, const int per_output,
                                    const double *x)
{
    uint64_t lo, digit[4];
    for (;;) {
        lo = stream_next(state);
        for (int i = 0; i < per_output; i++) {
            digit[i] = mul128(lo, b->n, &lo);
        }
        if (CRAND_LIKELY(lo >= b->bound) || lo >= b->threshold) {
            break;
        }
    }
    for (int i = 0; i < per_output; i++) {
        out[i] = (uint32_t)digit[i];
        CRAND_PREFETCH(x + digit[i]);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Buffers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* Accept float64 ('d') or int64 ('q', or 'l' where long is 8 bytes), with an optional byte-order
 * prefix meaning native order. */
static int format_matches(const char *format, char kind)
{
    if (format == NULL) {
        return 0;
    }
    if (*format == '@' || *format == '=') {
        format++;
    }
#if PY_LITTLE_ENDIAN
    else if (*format == '<') {
        format++;
    }
#else
    else if (*format == '>' || *format == '!') {
        format++;
    }
#endif
    if (format[0] == '\0' || format[1] != '\0') {
        return 0;
    }
    if (kind == 'd') {
        return format[0] == 'd';
    }
    return format[0] == 'q' || (format[0] == 'l' && sizeof(long) == 8);
}

/* Get a C-contiguous buffer of `expected` 8-byte items of `kind`; expected < 0: any length. */
static int get_buffer(PyObject *obj, const char *name, char kind, int writable, Py_ssize_t expected,
                      Py_buffer *view)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) != 0) {
        PyErr_Format(PyExc_TypeError, "%s must be a C-contiguous%s buffer of %s", name,
                     writable ? " writable" : "", kind == 'd' ? "float64" : "int64");
        return -1;
    }
    if (view->itemsize != 8 || !format_matches(view->format, kind)) {
        PyErr_Format(PyExc_TypeError, "%s must hold %s items (got format %s, itemsize %zd)", name,
                     kind == 'd' ? "float64" : "int64", view->format ? view->format : "B",
                     view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    if (expected >= 0 && view->len != expected * 8) {
        PyErr_Format(PyExc_ValueError, "%s has %zd items, expected %zd", name, view->len / 8, expected);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Engine                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Draws held at once by the whole-sample method (a multiple of 2, 3 and 4 is not needed: a
 * refill stops at the last whole batch that fits). */
#define DRAW_BUFFER 256
/* Size of the repeat filter of the whole-sample method (see whole_sample). */
#define FILTER_BITS 10
#define FILTER_SIZE (1u << FILTER_BITS)
#define FILTER_MASK (FILTER_SIZE - 1u)

typedef struct {
    const int64_t *indptr;
    const double *weights;
    const double *observed;
    const double *x1;
    const double *a;
    const double *x2; /* NULL: no second lag */
    const double *b;
    const double *c; /* NULL: c = 0 */
    int64_t *n_ge;
    int64_t *n_le;
    double *mean;
    double *sd;
    uint32_t *draws;   /* max(DRAW_BUFFER, k_max) drawn indices */
    uint32_t *swaps;   /* k_max Fisher-Yates swap positions */
    uint32_t *scratch; /* n indices 0..n-1 (Fisher-Yates), or NULL */
    uint32_t *stamp;   /* FILTER_SIZE attempt numbers (whole samples), zero at first */
    uint32_t attempt;  /* the last attempt number stamped */
    Py_ssize_t n;
    Py_ssize_t start;
    Py_ssize_t stop;
    long permutations;
    uint64_t seed;
} engine;

/* How a unit draws its k distinct others among n - 1. Each way yields every ordered k-tuple of
 * distinct units with equal probability.
 *   WHOLE_SAMPLE  draws uniform over all n units, k per sample; a sample is given up at its
 *                 first draw that is the unit itself or a repeat. Used while that is rare:
 *                 16 k (k - 1) <= n - 1.
 *   PER_DRAW      each draw (over the n - 1 others) redrawn until it differs from the earlier
 *                 ones: k <= 32 and 4 k <= n - 1 (repeats are likelier, so whole samples would
 *                 be wasted).
 *   FISHER_YATES  otherwise: a partial Fisher-Yates shuffle of a scratch array, undone after
 *                 each permutation. */
enum { WHOLE_SAMPLE, PER_DRAW, FISHER_YATES };
#define PER_DRAW_MAX_K 32

static CRAND_INLINE int draw_method(int64_t k, Py_ssize_t n)
{
    const int64_t others = (int64_t)(n - 1);
    if (k > PER_DRAW_MAX_K || 4 * k > others) {
        return FISHER_YATES;
    }
    return 16 * k * (k - 1) <= others ? WHOLE_SAMPLE : PER_DRAW;
}

/* Constants of one unit. */
typedef struct {
    const double *w; /* its k weights */
    int64_t k;
    uint32_t self;
    uint32_t others; /* n - 1 */
    double observed, lo, hi, a, b, c;
} unit_data;

/* Running counts and moments of one unit's simulations (moments about the observed value). */
typedef struct {
    int64_t ge, le;
    double s1, s2;
} tally;

static CRAND_INLINE void record(tally *t, const unit_data *u, double lag1, double lag2, const int with_x2)
{
    const double sim = with_x2 ? u->a * lag1 + u->b * lag2 + u->c : u->a * lag1 + u->c;
    t->ge += (sim >= u->lo);
    t->le += (sim <= u->hi);
    const double dev = sim - u->observed;
    t->s1 += dev;
    t->s2 += dev * dev;
}

static CRAND_INLINE double lag_of(const double *w, const double *x, const uint32_t *d, int64_t k)
{
    double lag = 0.0;
    for (int64_t j = 0; j < k; j++) {
        lag += w[j] * x[d[j]];
    }
    return lag;
}

/* --- whole samples --- */

/* Append batches of draws over [0, b->n) to buf[end..DRAW_BUFFER) while a whole batch fits, and
 * return the new end. */
static CRAND_INLINE int64_t refill_by(uint32_t *buf, int64_t end, uint64_t *state_p, const batch *b,
                                      const int per_output, const double *x)
{
    uint64_t state = *state_p;
    for (; end + per_output <= DRAW_BUFFER; end += per_output) {
        draw_batch(buf + end, &state, b, per_output, x);
    }
    *state_p = state;
    return end;
}

static CRAND_NOINLINE int64_t refill(uint32_t *buf, int64_t end, uint64_t *state, const batch *b, const double *x)
{
    switch (b->per_output) { /* a constant per_output lets the compiler unroll the batch */
    case 4:
        return refill_by(buf, end, state, b, 4, x);
    case 3:
        return refill_by(buf, end, state, b, 3, x);
    default:
        return refill_by(buf, end, state, b, 2, x);
    }
}

/* The unit's draws, uniform over all n units, form one stream (batches in order, kept in a
 * buffer that is refilled while earlier draws are used, so that their values of x1 are already
 * prefetched). A sample takes the next k draws; at its first draw that is the unit itself or
 * repeats an earlier draw of the sample it is given up, and the next sample starts with the
 * draw after that one. (The draws of a sample are i.i.d. uniform and the decision to give up
 * looks only at draws already taken, so an accepted sample is uniform over ordered k-tuples of
 * distinct others.)
 *
 * Repeats are caught by a filter: stamp[d & FILTER_MASK] holds the number of the attempt that
 * last drew a unit with those low bits (the unit itself is stamped at the start of every
 * attempt); only when the stamp matches the current attempt is the draw compared with the
 * earlier ones. Stale stamps (the attempt counter wraps after 2**32 attempts) can only cause
 * such a comparison, never hide a repeat.
 *
 * With all of the unit's weights equal (row-standardised contiguity) the lag is the weight
 * times the sum of the drawn values; otherwise the weighted sum, in draw order. */
static CRAND_INLINE tally whole_sample(engine *e, const unit_data *u, const int with_x2, const int equal_w)
{
    uint64_t state = stream_start(e->seed, (uint64_t)u->self);
    tally t = {0, 0, 0.0, 0.0};
    uint32_t *const buf = e->draws;
    uint32_t *const stamp = e->stamp;
    uint32_t attempt = e->attempt;
    const double *const x1 = e->x1;
    const double *const w = u->w;
    const int64_t k = u->k;
    const uint32_t self = u->self;
    const batch bt = batch_for(u->others + 1);
    int64_t pos = 0, end = 0; /* unused draws: buf[pos..end) */
    for (long r = 0; r < e->permutations; r++) {
        const uint32_t *d;
        double lag1;
    next_attempt:
        if (end - pos < k) {
            memmove(buf, buf + pos, sizeof(uint32_t) * (size_t)(end - pos));
            end = refill(buf, end - pos, &state, &bt, x1);
            pos = 0;
        }
        attempt++;
        stamp[self & FILTER_MASK] = attempt;
        d = buf + pos;
        lag1 = 0.0;
        for (int64_t j = 0; j < k; j++) {
            const uint32_t dj = d[j];
            uint32_t *const slot = stamp + (dj & FILTER_MASK);
            if (CRAND_UNLIKELY(*slot == attempt)) {
                int64_t m = 0;
                while (m < j && d[m] != dj) {
                    m++;
                }
                if (m < j || dj == self) {
                    pos += j + 1;
                    goto next_attempt;
                }
            }
            *slot = attempt;
            lag1 += equal_w ? x1[dj] : w[j] * x1[dj];
        }
        pos += k;
        if (equal_w) {
            lag1 *= w[0];
        }
        record(&t, u, lag1, with_x2 ? lag_of(w, e->x2, d, k) : 0.0, with_x2);
    }
    e->attempt = attempt;
    return t;
}

static tally unit_whole_sample(engine *e, const unit_data *u)
{
    int equal_w = 1;
    for (int64_t j = 1; j < u->k; j++) {
        equal_w &= u->w[j] == u->w[0];
    }
    if (e->x2) {
        return equal_w ? whole_sample(e, u, 1, 1) : whole_sample(e, u, 1, 0);
    }
    return equal_w ? whole_sample(e, u, 0, 1) : whole_sample(e, u, 0, 0);
}

/* --- draw by draw and Fisher-Yates (summed in draw order) --- */

static tally unit_per_draw(const engine *e, const unit_data *u)
{
    stream32 g = {stream_start(e->seed, (uint64_t)u->self), 0, 0};
    tally t = {0, 0, 0.0, 0.0};
    uint32_t *const d = e->draws;
    const double *const x1 = e->x1;
    const double *const w = u->w;
    const int64_t k = u->k;
    const uint32_t self = u->self;
    for (long r = 0; r < e->permutations; r++) {
        double lag1 = 0.0;
        for (int64_t j = 0; j < k; j++) {
            uint32_t cand;
            int repeat;
            do {
                cand = bounded32(&g, u->others);
                cand += cand >= self; /* skip the unit itself */
                repeat = 0;
                for (int64_t m = 0; m < j; m++) {
                    repeat |= (d[m] == cand);
                }
            } while (repeat);
            d[j] = cand;
            lag1 += w[j] * x1[cand];
        }
        record(&t, u, lag1, e->x2 ? lag_of(w, e->x2, d, k) : 0.0, e->x2 != NULL);
    }
    return t;
}

static tally unit_fisher_yates(const engine *e, const unit_data *u)
{
    stream32 g = {stream_start(e->seed, (uint64_t)u->self), 0, 0};
    tally t = {0, 0, 0.0, 0.0};
    uint32_t *const d = e->draws;
    uint32_t *const swaps = e->swaps;
    uint32_t *const s = e->scratch; /* identity on entry and on exit */
    const double *const x1 = e->x1;
    const double *const w = u->w;
    const int64_t k = u->k;
    const uint32_t self = u->self, others = u->others;
    s[self] = others; /* move the unit itself out of the first n - 1 slots */
    s[others] = self;
    for (long r = 0; r < e->permutations; r++) {
        double lag1 = 0.0;
        for (int64_t j = 0; j < k; j++) {
            const uint32_t pick = (uint32_t)j + bounded32(&g, others - (uint32_t)j);
            const uint32_t drawn = s[pick];
            s[pick] = s[j];
            s[j] = drawn;
            swaps[j] = pick;
            d[j] = drawn;
            lag1 += w[j] * x1[drawn];
        }
        for (int64_t j = k - 1; j >= 0; j--) { /* undo, newest swap first */
            const uint32_t pick = swaps[j];
            const uint32_t tmp = s[j];
            s[j] = s[pick];
            s[pick] = tmp;
        }
        record(&t, u, lag1, e->x2 ? lag_of(w, e->x2, d, k) : 0.0, e->x2 != NULL);
    }
    s[self] = self;
    s[others] = others;
    return t;
}

static void run_engine(engine *e)
{
    for (Py_ssize_t i = e->start; i < e->stop; i++) {
        const int64_t k = e->indptr[i + 1] - e->indptr[i];
        if (k == 0) {
            e->n_ge[i] = -1;
            e->n_le[i] = -1;
            e->mean[i] = Py_NAN;
            e->sd[i] = Py_NAN;
            continue;
        }
        unit_data u;
        u.w = e->weights + e->indptr[i];
        u.k = k;
        u.self = (uint32_t)i;
        u.others = (uint32_t)(e->n - 1);
        u.observed = e->observed[i];
        const double tol = 1e-12 * (fabs(u.observed) > 1.0 ? fabs(u.observed) : 1.0);
        u.lo = u.observed - tol;
        u.hi = u.observed + tol;
        u.a = e->a[i];
        u.b = e->x2 ? e->b[i] : 0.0;
        u.c = e->c ? e->c[i] : 0.0;
        tally t;
        switch (draw_method(k, e->n)) {
        case WHOLE_SAMPLE:
            t = unit_whole_sample(e, &u);
            break;
        case PER_DRAW:
            t = unit_per_draw(e, &u);
            break;
        default:
            t = unit_fisher_yates(e, &u);
        }
        const double R = (double)e->permutations;
        const double m1 = t.s1 / R;
        const double var = t.s2 / R - m1 * m1;
        e->n_ge[i] = t.ge;
        e->n_le[i] = t.le;
        e->mean[i] = u.observed + m1;
        e->sd[i] = var > 0.0 ? sqrt(var) : 0.0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Python entry point                                                                         */
/* ------------------------------------------------------------------------------------------ */

enum { B_INDPTR, B_WEIGHTS, B_OBSERVED, B_X1, B_A, B_X2, B_B, B_C, B_NGE, B_NLE, B_MEAN, B_SD, B_COUNT };

PyDoc_STRVAR(count_doc,
             "count(indptr, weights, observed, x1, a, x2, b, c, permutations, seed, start, stop,\n"
             "      n_ge, n_le, mean, sd)\n"
             "--\n\n"
             "Conditional-permutation counts for units [start, stop), written into n_ge, n_le\n"
             "(int64) and mean, sd (float64). x2 and b are both None or both arrays; c may be\n"
             "None. indptr is int64 of length n + 1; all other arrays float64 of length n\n"
             "(weights: indptr[n]). The GIL is released while computing.");

static PyObject *crand_count(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *objs[B_COUNT];
    long permutations;
    unsigned long long seed;
    Py_ssize_t start, stop;
    if (!PyArg_ParseTuple(args, "OOOOOOOOlKnnOOOO:count", &objs[B_INDPTR], &objs[B_WEIGHTS], &objs[B_OBSERVED],
                          &objs[B_X1], &objs[B_A], &objs[B_X2], &objs[B_B], &objs[B_C], &permutations, &seed,
                          &start, &stop, &objs[B_NGE], &objs[B_NLE], &objs[B_MEAN], &objs[B_SD])) {
        return NULL;
    }
    if ((objs[B_X2] == Py_None) != (objs[B_B] == Py_None)) {
        PyErr_SetString(PyExc_ValueError, "x2 and b must both be given or both be None");
        return NULL;
    }
    if (permutations < 1) {
        PyErr_Format(PyExc_ValueError, "permutations must be at least 1, not %ld", permutations);
        return NULL;
    }

    static const char *names[B_COUNT] = {"indptr", "weights", "observed", "x1", "a", "x2",
                                         "b",      "c",       "n_ge",     "n_le", "mean", "sd"};
    Py_buffer views[B_COUNT];
    int held[B_COUNT] = {0};
    PyObject *result = NULL;
    engine e;
    memset(&e, 0, sizeof(e));

    if (get_buffer(objs[B_OBSERVED], names[B_OBSERVED], 'd', 0, -1, &views[B_OBSERVED]) != 0) {
        goto done;
    }
    held[B_OBSERVED] = 1;
    const Py_ssize_t n = views[B_OBSERVED].len / 8;
    if (n < 2 || (uint64_t)n > (uint64_t)UINT32_MAX) {
        PyErr_Format(PyExc_ValueError, "the number of units must be between 2 and 2**32 - 1, not %zd", n);
        goto done;
    }
    if (get_buffer(objs[B_INDPTR], names[B_INDPTR], 'q', 0, n + 1, &views[B_INDPTR]) != 0) {
        goto done;
    }
    held[B_INDPTR] = 1;
    const int64_t *indptr = (const int64_t *)views[B_INDPTR].buf;
    for (int b = B_WEIGHTS; b < B_COUNT; b++) {
        if (b == B_OBSERVED || (objs[b] == Py_None && (b == B_X2 || b == B_B || b == B_C))) {
            continue; /* x2, b and c are optional; None anywhere else fails in get_buffer */
        }
        const int writable = b >= B_NGE;
        const char kind = (b == B_NGE || b == B_NLE) ? 'q' : 'd';
        const Py_ssize_t expected = b == B_WEIGHTS ? -1 : n;
        if (get_buffer(objs[b], names[b], kind, writable, expected, &views[b]) != 0) {
            goto done;
        }
        held[b] = 1;
    }
    if (start < 0 || stop > n || start > stop) {
        PyErr_Format(PyExc_ValueError, "start, stop = %zd, %zd is not a range within [0, %zd]", start, stop, n);
        goto done;
    }
    const Py_ssize_t n_weights = views[B_WEIGHTS].len / 8;
    if (indptr[0] != 0 || indptr[n] != n_weights) {
        PyErr_Format(PyExc_ValueError, "indptr must run from 0 to len(weights) = %zd", n_weights);
        goto done;
    }
    int64_t k_max = 0;
    int need_scratch = 0;
    for (Py_ssize_t i = start; i < stop; i++) {
        const int64_t k = indptr[i + 1] - indptr[i];
        if (k < 0 || indptr[i] < 0 || indptr[i + 1] > n_weights) {
            PyErr_Format(PyExc_ValueError, "indptr is not non-decreasing within [0, %zd] at unit %zd", n_weights, i);
            goto done;
        }
        if (k > (int64_t)(n - 1)) {
            PyErr_Format(PyExc_ValueError, "unit %zd has %lld neighbours but only %zd other units exist", i,
                         (long long)k, n - 1);
            goto done;
        }
        if (k > k_max) {
            k_max = k;
        }
        if (k > 0 && draw_method(k, n) == FISHER_YATES) {
            need_scratch = 1;
        }
    }

    e.indptr = indptr;
    e.weights = (const double *)views[B_WEIGHTS].buf;
    e.observed = (const double *)views[B_OBSERVED].buf;
    e.x1 = (const double *)views[B_X1].buf;
    e.a = (const double *)views[B_A].buf;
    e.x2 = held[B_X2] ? (const double *)views[B_X2].buf : NULL;
    e.b = held[B_B] ? (const double *)views[B_B].buf : NULL;
    e.c = held[B_C] ? (const double *)views[B_C].buf : NULL;
    e.n_ge = (int64_t *)views[B_NGE].buf;
    e.n_le = (int64_t *)views[B_NLE].buf;
    e.mean = (double *)views[B_MEAN].buf;
    e.sd = (double *)views[B_SD].buf;
    e.n = n;
    e.start = start;
    e.stop = stop;
    e.permutations = permutations;
    e.seed = (uint64_t)seed;
    e.draws = PyMem_Malloc(sizeof(uint32_t) * (size_t)(k_max > DRAW_BUFFER ? k_max : DRAW_BUFFER));
    e.swaps = PyMem_Malloc(sizeof(uint32_t) * (size_t)(k_max > 0 ? k_max : 1));
    e.stamp = PyMem_Calloc(FILTER_SIZE, sizeof(uint32_t));
    if (need_scratch) {
        e.scratch = PyMem_Malloc(sizeof(uint32_t) * (size_t)n);
    }
    if (e.draws == NULL || e.swaps == NULL || e.stamp == NULL || (need_scratch && e.scratch == NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    if (e.scratch) {
        for (Py_ssize_t j = 0; j < n; j++) {
            e.scratch[j] = (uint32_t)j;
        }
    }

    Py_BEGIN_ALLOW_THREADS
    run_engine(&e);
    Py_END_ALLOW_THREADS

    result = Py_NewRef(Py_None);

done:
    PyMem_Free(e.draws);
    PyMem_Free(e.swaps);
    PyMem_Free(e.scratch);
    PyMem_Free(e.stamp);
    for (int b = 0; b < B_COUNT; b++) {
        if (held[b]) {
            PyBuffer_Release(&views[b]);
        }
    }
    return result;
}

static PyMethodDef crand_methods[] = {
    {"count", crand_count, METH_VARARGS, count_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(module_doc, "Compiled conditional-permutation engine of umkm_geo (see umkm_geo.permutation).");

static struct PyModuleDef crand_module = {
    PyModuleDef_HEAD_INIT, "_crand", module_doc, -1, crand_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__crand(void)
{
    PyObject *m = PyModule_Create(&crand_module);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_AddStringConstant(m, "RNG",
                                   "SplitMix64 per unit started at mix64(mix64(seed) + i) (counter-based); "
                                   "unbiased Lemire bounded integers; distinct draws as whole samples given up "
                                   "at a repeat, B = 2-4 draws per output by batched Lemire (if 16k(k-1) <= n-1), "
                                   "else draw by draw on 32-bit halves (k <= 32 and 4k <= n-1), else partial "
                                   "Fisher-Yates") != 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
