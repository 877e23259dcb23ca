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
 * Random numbers: each unit has its own xoshiro256** generator whose state is filled by
 * splitmix64 from mix64(mix64(seed) + i), so a unit's draws depend only on (seed, i, R) and not
 * on how units are split among threads. Bounded integers use Lemire's multiply-shift method
 * with rejection (unbiased), on 32-bit halves of the generator's outputs. Distinct indices are
 * drawn by rejection while k is small relative to n (whole samples with a bit filter for
 * repeats, or draw by draw), and by a partial Fisher-Yates shuffle of a per-call scratch array
 * (undone after each permutation) when k is large (see draw_method).
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

typedef struct {
    uint64_t s[4];
    uint64_t spare; /* lower half of the last output, used by the next 32-bit draw */
    int has_spare;
} xoshiro256;

static CRAND_INLINE uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* splitmix64 finaliser: a bijection of 64-bit integers with good avalanche */
static CRAND_INLINE uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static CRAND_INLINE uint64_t splitmix64_next(uint64_t *state)
{
    *state += UINT64_C(0x9E3779B97F4A7C15);
    return mix64(*state);
}

static CRAND_INLINE void rng_seed(xoshiro256 *rng, uint64_t seed, uint64_t unit)
{
    uint64_t sm = mix64(mix64(seed) + unit);
    rng->s[0] = splitmix64_next(&sm);
    rng->s[1] = splitmix64_next(&sm);
    rng->s[2] = splitmix64_next(&sm);
    rng->s[3] = splitmix64_next(&sm);
    rng->spare = 0;
    rng->has_spare = 0;
}

static CRAND_INLINE uint64_t rng_next(xoshiro256 *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl64(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* 32 random bits: the upper half of a xoshiro256** output, then its lower half (all bits of
 * xoshiro256** are of full quality). */
static CRAND_INLINE uint32_t rng_next32(xoshiro256 *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return (uint32_t)rng->spare;
    }
    const uint64_t x = rng_next(rng);
    rng->spare = x;
    rng->has_spare = 1;
    return (uint32_t)(x >> 32);
}

/* Unbiased integer in [0, range), range >= 1 (Lemire 2019, "Fast random integer generation in
 * an interval"): multiply-shift, rejecting the few low products that would bias it. */
static CRAND_INLINE uint32_t rng_bounded(xoshiro256 *rng, uint32_t range)
{
    uint64_t m = (uint64_t)rng_next32(rng) * (uint64_t)range;
    uint32_t low = (uint32_t)m;
    if (low < range) {
        const uint32_t threshold = (uint32_t)(-range) % range;
        while (low < threshold) {
            m = (uint64_t)rng_next32(rng) * (uint64_t)range;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
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
    uint32_t *draws;   /* k_max drawn indices */
    uint32_t *swaps;   /* k_max Fisher-Yates swap positions */
    uint32_t *scratch; /* n indices 0..n-1 (Fisher-Yates), or NULL */
    Py_ssize_t n;
    Py_ssize_t start;
    Py_ssize_t stop;
    long permutations;
    uint64_t seed;
} engine;

/* How a unit draws its k distinct others among n - 1. Each way yields every ordered k-tuple of
 * distinct units with equal probability.
 *   WHOLE_SAMPLE  k independent draws, all redrawn if two coincide. A 64-bit filter keyed by the
 *                 low 6 bits of the indices flags possible repeats; only then are the draws
 *                 compared pairwise. Used while a repeat is rare: 16 k (k - 1) <= n - 1.
 *   PER_DRAW      each draw redrawn until it differs from the earlier ones: k <= 32 and
 *                 4 k <= n - 1 (repeats are likelier, so whole samples would be wasted).
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

static CRAND_INLINE void record(tally *t, const unit_data *u, double lag1, double lag2)
{
    const double sim = u->a * lag1 + u->b * lag2 + u->c;
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

static CRAND_INLINE uint32_t draw_other(xoshiro256 *rng, uint32_t others, uint32_t self)
{
    const uint32_t cand = rng_bounded(rng, others);
    return cand + (cand >= self);
}

static int has_repeat(const uint32_t *d, int64_t k)
{
    for (int64_t j = 1; j < k; j++) {
        for (int64_t m = 0; m < j; m++) {
            if (d[m] == d[j]) {
                return 1;
            }
        }
    }
    return 0;
}

/* The lags are summed in draw order j = 0..k-1 by every method. */

static tally unit_whole_sample(const engine *e, const unit_data *u)
{
    xoshiro256 g; /* local, so that the state stays in registers */
    xoshiro256 *const rng = &g;
    rng_seed(rng, e->seed, (uint64_t)u->self);
    tally tt = {0, 0, 0.0, 0.0};
    tally *const t = &tt;
    uint32_t *const d = e->draws;
    const double *const x1 = e->x1;
    const double *const w = u->w;
    const int64_t k = u->k;
    for (long r = 0; r < e->permutations; r++) {
        double lag1;
        for (;;) {
            uint64_t seen = 0, collide = 0;
            lag1 = 0.0;
            for (int64_t j = 0; j < k; j++) {
                const uint32_t cand = draw_other(rng, u->others, u->self);
                const uint64_t bit = UINT64_C(1) << (cand & 63u);
                collide |= seen & bit;
                seen |= bit;
                d[j] = cand;
                lag1 += w[j] * x1[cand];
            }
            if (!collide || !has_repeat(d, k)) {
                break;
            }
        }
        record(t, u, lag1, e->x2 ? lag_of(w, e->x2, d, k) : 0.0);
    }
    return tt;
}

static tally unit_per_draw(const engine *e, const unit_data *u)
{
    xoshiro256 g; /* local, so that the state stays in registers */
    xoshiro256 *const rng = &g;
    rng_seed(rng, e->seed, (uint64_t)u->self);
    tally tt = {0, 0, 0.0, 0.0};
    tally *const t = &tt;
    uint32_t *const d = e->draws;
    const double *const x1 = e->x1;
    const double *const w = u->w;
    const int64_t k = u->k;
    for (long r = 0; r < e->permutations; r++) {
        double lag1 = 0.0;
        for (int64_t j = 0; j < k; j++) {
            uint32_t cand;
            int repeat;
            do {
                cand = draw_other(rng, u->others, u->self);
                repeat = 0;
                for (int64_t m = 0; m < j; m++) {
                    repeat |= (d[m] == cand);
                }
            } while (repeat);
            d[j] = cand;
            lag1 += w[j] * x1[cand];
        }
        record(t, u, lag1, e->x2 ? lag_of(w, e->x2, d, k) : 0.0);
    }
    return tt;
}

static tally unit_fisher_yates(const engine *e, const unit_data *u)
{
    xoshiro256 g; /* local, so that the state stays in registers */
    xoshiro256 *const rng = &g;
    rng_seed(rng, e->seed, (uint64_t)u->self);
    tally tt = {0, 0, 0.0, 0.0};
    tally *const t = &tt;
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
            const uint32_t pick = (uint32_t)j + rng_bounded(rng, others - (uint32_t)j);
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
        record(t, u, lag1, e->x2 ? lag_of(w, e->x2, d, k) : 0.0);
    }
    s[self] = self;
    s[others] = others;
    return tt;
}

static void run_engine(const engine *e)
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
    e.draws = PyMem_Malloc(sizeof(uint32_t) * (size_t)(k_max > 0 ? k_max : 1));
    e.swaps = PyMem_Malloc(sizeof(uint32_t) * (size_t)(k_max > 0 ? k_max : 1));
    if (need_scratch) {
        e.scratch = PyMem_Malloc(sizeof(uint32_t) * (size_t)n);
    }
    if (e.draws == NULL || e.swaps == NULL || (need_scratch && e.scratch == NULL)) {
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
                                   "xoshiro256** per unit, state from splitmix64 of mix64(mix64(seed) + i); "
                                   "Lemire bounded integers on 32-bit halves; distinct draws by rejection "
                                   "(whole sample if 16k(k-1) <= n-1, else draw by draw, while k <= 32 and "
                                   "4k <= n-1) or partial Fisher-Yates") != 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
