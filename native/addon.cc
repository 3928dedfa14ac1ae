// The N-API surface of the native kernels. Operands are JavaScript Float32Arrays used in place
// (no copies); every length is checked here too, so a wrong call throws instead of writing out
// of bounds. The TypeScript wrappers in src/kernels/native/ give the friendlier messages.
#define NAPI_VERSION 8
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "conv.h"
#include "elementwise.h"
#include "gemm.h"
#include "pool2d.h"
#include "softmax.h"
#include "pool.h"

namespace {

ms::ThreadPool pool;

// Throws (as a pending JS exception) and returns false.
bool fail(napi_env env, const std::string& message, bool range = false) {
  if (range) {
    napi_throw_range_error(env, "MODELSPEC_NATIVE", message.c_str());
  } else {
    napi_throw_type_error(env, "MODELSPEC_NATIVE", message.c_str());
  }
  return false;
}

struct Args {
  napi_env env;
  const char* fn;
  napi_value argv[16];
  size_t argc = 16;

  Args(napi_env e, napi_callback_info info, const char* name) : env(e), fn(name) {
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  }

  std::string where(size_t i, const char* name) const {
    return std::string(fn) + ": " + name + " (argument " + std::to_string(i) + ")";
  }

  // A Float32Array with at least `need` elements (null allowed when `nullable`).
  bool floats(size_t i, const char* name, int64_t need, float** out, bool nullable = false) {
    return typed(i, name, need, napi_float32_array, "Float32Array", reinterpret_cast<void**>(out),
                 nullable);
  }

  // An Int32Array with at least `need` elements.
  bool ints(size_t i, const char* name, int64_t need, int32_t** out) {
    return typed(i, name, need, napi_int32_array, "Int32Array", reinterpret_cast<void**>(out),
                 false);
  }

  bool typed(size_t i, const char* name, int64_t need, napi_typedarray_type want,
             const char* type_name, void** out, bool nullable) {
    napi_valuetype kind = napi_undefined;
    if (i < argc) napi_typeof(env, argv[i], &kind);
    if (nullable && kind == napi_null) {
      *out = nullptr;
      return true;
    }
    bool is_typed = false;
    if (i < argc) napi_is_typedarray(env, argv[i], &is_typed);
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (is_typed) {
      // `data` already points at the first element: the view's byte offset is applied.
      napi_get_typedarray_info(env, argv[i], &type, &length, &data, nullptr, nullptr);
    }
    if (!is_typed || type != want) {
      const char* article = type_name[0] == 'I' ? " must be an " : " must be a ";
      return fail(env, where(i, name) + article + type_name + (nullable ? " or null" : ""));
    }
    if (static_cast<int64_t>(length) < need) {
      return fail(env,
                  where(i, name) + " needs at least " + std::to_string(need) + " elements, got " +
                      std::to_string(length),
                  true);
    }
    *out = data;
    return true;
  }

  bool size(size_t i, const char* name, int64_t* out, int64_t min = 0) {
    double value = NAN;
    if (i >= argc || napi_get_value_double(env, argv[i], &value) != napi_ok ||
        value != std::floor(value) || value < static_cast<double>(min) || value > 9.0e15) {
      return fail(env, where(i, name) + " must be a whole number >= " + std::to_string(min), true);
    }
    *out = static_cast<int64_t>(value);
    return true;
  }

  bool flag(size_t i, const char* name, bool* out) {
    if (i >= argc || napi_get_value_bool(env, argv[i], out) != napi_ok) {
      return fail(env, where(i, name) + " must be a boolean");
    }
    return true;
  }
};

napi_value undefined(napi_env env) {
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

// Products bigger than this many elements per operand are refused: the int64 index arithmetic
// in the kernels stays far from overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

bool product(Args& args, int64_t x, int64_t y, int64_t* out) {
  if (x != 0 && y > kMaxElements / x) {
    return fail(args.env, std::string(args.fn) + ": sizes too large", true);
  }
  *out = x * y;
  return true;
}

// Threads for one call: the caller's count, capped (the pool keeps every worker it starts).
bool thread_count(Args& args, size_t i, int* out) {
  int64_t count = 0;
  if (!args.size(i, "threads", &count, 1)) return false;
  *out = static_cast<int>(std::min<int64_t>(count, 64));
  return true;
}

// gemm(a, b, c, m, k, n, transA, transB, accumulate, bias | null, relu, threads)
napi_value Gemm(napi_env env, napi_callback_info info) {
  Args args(env, info, "gemm");
  ms::Gemm g{};
  int64_t m = 0, k = 0, n = 0, mk = 0, kn = 0, mn = 0;
  bool relu = false;
  int threads = 1;
  float *a = nullptr, *b = nullptr, *c = nullptr, *bias = nullptr;
  if (!args.size(3, "m", &m) || !args.size(4, "k", &k) || !args.size(5, "n", &n) ||
      !args.flag(6, "transA", &g.trans_a) || !args.flag(7, "transB", &g.trans_b) ||
      !args.flag(8, "accumulate", &g.accumulate) || !args.flag(10, "relu", &relu) ||
      !thread_count(args, 11, &threads) || !product(args, m, k, &mk) ||
      !product(args, k, n, &kn) || !product(args, m, n, &mn) || !args.floats(0, "a", mk, &a) ||
      !args.floats(1, "b", kn, &b) || !args.floats(2, "c", mn, &c) ||
      !args.floats(9, "bias", n, &bias, true)) {
    return nullptr;
  }
  g.a = a;
  g.b = b;
  g.c = c;
  g.m = m;
  g.k = k;
  g.n = n;
  g.bias = bias;
  g.activation = relu ? ms::Activation::relu : ms::Activation::none;
  if (!ms::gemm(g, pool, threads)) {
    fail(env, "gemm: out of memory for the packed operands", true);
    return nullptr;
  }
  return undefined(env);
}

// The 16 numbers of a ConvGeometry, in declaration order, from a JavaScript array.
bool geometry(Args& args, size_t i, ms::ConvGeometry* out) {
  int64_t* fields[] = {&out->n,  &out->c,  &out->h,  &out->w,  &out->oc, &out->kh,
                       &out->kw, &out->sh, &out->sw, &out->pt, &out->pb, &out->pl,
                       &out->pr, &out->dh, &out->dw, &out->groups};
  constexpr uint32_t count = sizeof fields / sizeof fields[0];
  bool is_array = false;
  uint32_t length = 0;
  if (i < args.argc) napi_is_array(args.env, args.argv[i], &is_array);
  if (is_array) napi_get_array_length(args.env, args.argv[i], &length);
  if (!is_array || length != count) {
    return fail(args.env, args.where(i, "geometry") + " must be an array of 16 numbers", true);
  }
  for (uint32_t f = 0; f < count; f++) {
    napi_value element;
    double value = NAN;
    napi_get_element(args.env, args.argv[i], f, &element);
    if (napi_get_value_double(args.env, element, &value) != napi_ok ||
        value != std::floor(value) || std::fabs(value) > 1e12) {
      return fail(args.env, args.where(i, "geometry") + " must hold whole numbers", true);
    }
    *fields[f] = static_cast<int64_t>(value);
  }
  if (const char* why = out->invalid()) {
    return fail(args.env, std::string(args.fn) + ": " + why, true);
  }
  // Operand sizes stay far from int64 overflow (each factor is at most 1e12 but products are
  // checked against kMaxElements).
  int64_t total = 1;
  for (int64_t f : {out->n, out->c, out->h, out->w, out->oc, out->kh, out->kw}) {
    if (f != 0 && total > kMaxElements / f) {
      return fail(args.env, std::string(args.fn) + ": sizes too large", true);
    }
    total *= std::max<int64_t>(f, 1);
  }
  return true;
}

struct ConvSizes {
  int64_t x, weight, out;
};

ConvSizes conv_sizes(const ms::ConvGeometry& g) {
  return {g.n * g.c * g.h * g.w, g.oc * (g.c / g.groups) * g.kh * g.kw,
          g.n * g.oc * g.oh() * g.ow()};
}

napi_value Failed(napi_env env, const char* fn) {
  fail(env, std::string(fn) + ": out of memory for the column buffers", true);
  return nullptr;
}

// conv2dForward(x, weight, bias | null, out, geometry, threads)
napi_value Conv2dForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2dForward");
  ms::ConvGeometry g{};
  int threads = 1;
  float *x = nullptr, *w = nullptr, *bias = nullptr, *out = nullptr;
  if (!geometry(args, 4, &g) || !thread_count(args, 5, &threads)) return nullptr;
  const ConvSizes n = conv_sizes(g);
  if (!args.floats(0, "x", n.x, &x) || !args.floats(1, "weight", n.weight, &w) ||
      !args.floats(2, "bias", g.oc, &bias, true) || !args.floats(3, "out", n.out, &out)) {
    return nullptr;
  }
  if (!ms::conv2d_forward(g, x, w, bias, out, pool, threads)) return Failed(env, args.fn);
  return undefined(env);
}

// conv2dBackwardInput(gradOut, weight, gradX, geometry, accumulate, threads)
napi_value Conv2dBackwardInput(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2dBackwardInput");
  ms::ConvGeometry g{};
  int threads = 1;
  bool accumulate = false;
  float *go = nullptr, *w = nullptr, *gx = nullptr;
  if (!geometry(args, 3, &g) || !args.flag(4, "accumulate", &accumulate) ||
      !thread_count(args, 5, &threads)) {
    return nullptr;
  }
  const ConvSizes n = conv_sizes(g);
  if (!args.floats(0, "gradOut", n.out, &go) || !args.floats(1, "weight", n.weight, &w) ||
      !args.floats(2, "gradX", n.x, &gx)) {
    return nullptr;
  }
  if (!ms::conv2d_backward_input(g, go, w, gx, accumulate, pool, threads)) {
    return Failed(env, args.fn);
  }
  return undefined(env);
}

// conv2dBackwardWeight(x, gradOut, gradWeight, gradBias | null, geometry, accumulate, threads)
napi_value Conv2dBackwardWeight(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2dBackwardWeight");
  ms::ConvGeometry g{};
  int threads = 1;
  bool accumulate = false;
  float *x = nullptr, *go = nullptr, *gw = nullptr, *gb = nullptr;
  if (!geometry(args, 4, &g) || !args.flag(5, "accumulate", &accumulate) ||
      !thread_count(args, 6, &threads)) {
    return nullptr;
  }
  const ConvSizes n = conv_sizes(g);
  if (!args.floats(0, "x", n.x, &x) || !args.floats(1, "gradOut", n.out, &go) ||
      !args.floats(2, "gradWeight", n.weight, &gw) ||
      !args.floats(3, "gradBias", g.oc, &gb, true)) {
    return nullptr;
  }
  if (!ms::conv2d_backward_weight(g, x, go, gw, gb, accumulate, pool, threads)) {
    return Failed(env, args.fn);
  }
  return undefined(env);
}

bool number(Args& args, size_t i, const char* name, double* out) {
  if (i >= args.argc || napi_get_value_double(args.env, args.argv[i], out) != napi_ok) {
    return fail(args.env, args.where(i, name) + " must be a number");
  }
  return true;
}

// The length of a Float32Array argument (after checking it is one).
bool length_of(Args& args, size_t i, const char* name, int64_t* out) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  if (i < args.argc) napi_is_typedarray(args.env, args.argv[i], &is_typed);
  if (is_typed) {
    napi_get_typedarray_info(args.env, args.argv[i], &type, &length, nullptr, nullptr, nullptr);
  }
  if (!is_typed || type != napi_float32_array) {
    return fail(args.env, args.where(i, name) + " must be a Float32Array");
  }
  *out = static_cast<int64_t>(length);
  return true;
}

// sgdUpdate(param, grad, buffer | null, lr, momentum, keep, threads)
napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  Args args(env, info, "sgdUpdate");
  int64_t n = 0;
  double lr = 0, momentum = 0, keep = 0;
  int threads = 1;
  float *param = nullptr, *grad = nullptr, *buffer = nullptr;
  if (!length_of(args, 0, "param", &n) || !args.floats(0, "param", n, &param) ||
      !args.floats(1, "grad", n, &grad) || !args.floats(2, "buffer", n, &buffer, true) ||
      !number(args, 3, "lr", &lr) || !number(args, 4, "momentum", &momentum) ||
      !number(args, 5, "keep", &keep) || !thread_count(args, 6, &threads)) {
    return nullptr;
  }
  ms::sgd_update(param, grad, buffer, n, lr, momentum, keep, pool, threads);
  return undefined(env);
}

// reluBackward(g, out, dst, threads): over dst's length.
napi_value ReluBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "reluBackward");
  int64_t n = 0;
  int threads = 1;
  float *g = nullptr, *out = nullptr, *dst = nullptr;
  if (!length_of(args, 2, "dst", &n) || !args.floats(0, "g", n, &g) ||
      !args.floats(1, "out", n, &out) || !args.floats(2, "dst", n, &dst) ||
      !thread_count(args, 3, &threads)) {
    return nullptr;
  }
  ms::relu_backward(g, out, dst, n, pool, threads);
  return undefined(env);
}

// addInto(dst, src, threads): over dst's length.
napi_value AddInto(napi_env env, napi_callback_info info) {
  Args args(env, info, "addInto");
  int64_t n = 0;
  int threads = 1;
  float *dst = nullptr, *src = nullptr;
  if (!length_of(args, 0, "dst", &n) || !args.floats(0, "dst", n, &dst) ||
      !args.floats(1, "src", n, &src) || !thread_count(args, 2, &threads)) {
    return nullptr;
  }
  ms::add_into(dst, src, n, pool, threads);
  return undefined(env);
}

// softmaxRows(src, out, rows, length, log, threads)
napi_value SoftmaxRows(napi_env env, napi_callback_info info) {
  Args args(env, info, "softmaxRows");
  int64_t rows = 0, length = 0, total = 0;
  bool log = false;
  int threads = 1;
  float *src = nullptr, *out = nullptr;
  if (!args.size(2, "rows", &rows) || !args.size(3, "length", &length) ||
      !args.flag(4, "log", &log) || !thread_count(args, 5, &threads) ||
      !product(args, rows, length, &total) || !args.floats(0, "src", total, &src) ||
      !args.floats(1, "out", total, &out)) {
    return nullptr;
  }
  ms::softmax_rows(src, out, rows, length, log, pool, threads);
  return undefined(env);
}

// softmaxRowsBackward(g, y, out, rows, length, log, threads)
napi_value SoftmaxRowsBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "softmaxRowsBackward");
  int64_t rows = 0, length = 0, total = 0;
  bool log = false;
  int threads = 1;
  float *g = nullptr, *y = nullptr, *out = nullptr;
  if (!args.size(3, "rows", &rows) || !args.size(4, "length", &length) ||
      !args.flag(5, "log", &log) || !thread_count(args, 6, &threads) ||
      !product(args, rows, length, &total) || !args.floats(0, "g", total, &g) ||
      !args.floats(1, "y", total, &y) || !args.floats(2, "out", total, &out)) {
    return nullptr;
  }
  ms::softmax_rows_backward(g, y, out, rows, length, log, pool, threads);
  return undefined(env);
}

// columnSums(src, out, rows, cols, threads)
napi_value ColumnSums(napi_env env, napi_callback_info info) {
  Args args(env, info, "columnSums");
  int64_t rows = 0, cols = 0, total = 0;
  int threads = 1;
  float *src = nullptr, *out = nullptr;
  if (!args.size(2, "rows", &rows) || !args.size(3, "cols", &cols) ||
      !thread_count(args, 4, &threads) || !product(args, rows, cols, &total) ||
      !args.floats(0, "src", total, &src) || !args.floats(1, "out", cols, &out)) {
    return nullptr;
  }
  ms::column_sums(src, out, rows, cols, pool, threads);
  return undefined(env);
}

// The 12 numbers of a PoolGeometry (ceil_mode as 0 or 1) from a JavaScript array.
bool pool_geometry(Args& args, size_t i, ms::PoolGeometry* out) {
  int64_t ceil_mode = 0;
  int64_t* fields[] = {&out->planes, &out->h,  &out->w,  &out->kh, &out->kw, &out->sh,
                       &out->sw,     &out->ph, &out->pw, &out->dh, &out->dw, &ceil_mode};
  constexpr uint32_t count = sizeof fields / sizeof fields[0];
  bool is_array = false;
  uint32_t length = 0;
  if (i < args.argc) napi_is_array(args.env, args.argv[i], &is_array);
  if (is_array) napi_get_array_length(args.env, args.argv[i], &length);
  if (!is_array || length != count) {
    return fail(args.env, args.where(i, "geometry") + " must be an array of 12 numbers", true);
  }
  for (uint32_t f = 0; f < count; f++) {
    napi_value element;
    double value = NAN;
    napi_get_element(args.env, args.argv[i], f, &element);
    if (napi_get_value_double(args.env, element, &value) != napi_ok ||
        value != std::floor(value) || std::fabs(value) > 1e12) {
      return fail(args.env, args.where(i, "geometry") + " must hold whole numbers", true);
    }
    *fields[f] = static_cast<int64_t>(value);
  }
  out->ceil_mode = ceil_mode != 0;
  if (const char* why = out->invalid()) {
    return fail(args.env, std::string(args.fn) + ": " + why, true);
  }
  if (out->h * out->w > (int64_t(1) << 31) - 1) {
    return fail(args.env, std::string(args.fn) + ": a plane of 2^31 elements or more", true);
  }
  int64_t total = 0;
  return product(args, out->planes, out->h * out->w, &total);
}

// maxPool2dForward(x, out, argmax, geometry, threads)
napi_value MaxPool2dForward(napi_env env, napi_callback_info info) {
  Args args(env, info, "maxPool2dForward");
  ms::PoolGeometry g{};
  int threads = 1;
  float *x = nullptr, *out = nullptr;
  int32_t* argmax = nullptr;
  if (!pool_geometry(args, 3, &g) || !thread_count(args, 4, &threads)) return nullptr;
  const int64_t outs = g.planes * g.oh() * g.ow();
  if (!args.floats(0, "x", g.planes * g.h * g.w, &x) || !args.floats(1, "out", outs, &out) ||
      !args.ints(2, "argmax", outs, &argmax)) {
    return nullptr;
  }
  ms::max_pool2d_forward(g, x, out, argmax, pool, threads);
  return undefined(env);
}

// maxPool2dBackward(gradOut, argmax, gradX, geometry, accumulate, threads)
napi_value MaxPool2dBackward(napi_env env, napi_callback_info info) {
  Args args(env, info, "maxPool2dBackward");
  ms::PoolGeometry g{};
  int threads = 1;
  bool accumulate = false;
  float *go = nullptr, *gx = nullptr;
  int32_t* argmax = nullptr;
  if (!pool_geometry(args, 3, &g) || !args.flag(4, "accumulate", &accumulate) ||
      !thread_count(args, 5, &threads)) {
    return nullptr;
  }
  const int64_t outs = g.planes * g.oh() * g.ow();
  if (!args.floats(0, "gradOut", outs, &go) || !args.ints(1, "argmax", outs, &argmax) ||
      !args.floats(2, "gradX", g.planes * g.h * g.w, &gx)) {
    return nullptr;
  }
  ms::max_pool2d_backward(g, go, argmax, gx, accumulate, pool, threads);
  return undefined(env);
}

napi_value SetIsa(napi_env env, napi_callback_info info) {
  Args args(env, info, "setIsa");
  char name[32] = {};
  size_t length = 0;
  if (args.argc < 1 ||
      napi_get_value_string_utf8(env, args.argv[0], name, sizeof name, &length) != napi_ok) {
    fail(env, "setIsa: argument 0 must be a string");
    return nullptr;
  }
  for (ms::Isa isa : {ms::Isa::generic, ms::Isa::avx2, ms::Isa::avx512}) {
    if (std::strcmp(name, ms::isa_name(isa)) == 0) {
      napi_value result;
      napi_get_boolean(env, ms::set_isa(isa), &result);
      return result;
    }
  }
  fail(env, std::string("setIsa: unknown instruction set '") + name +
                "' (known: generic, avx2, avx512)",
       true);
  return nullptr;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value result, value;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, ms::isa_name(ms::current_isa()), NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, result, "isa", value);
  napi_create_string_utf8(env, ms::isa_name(ms::best_isa()), NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, result, "bestIsa", value);
  napi_create_int32(env, static_cast<int32_t>(std::thread::hardware_concurrency()), &value);
  napi_set_named_property(env, result, "cpus", value);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor methods[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dForward", nullptr, Conv2dForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardInput", nullptr, Conv2dBackwardInput, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"conv2dBackwardWeight", nullptr, Conv2dBackwardWeight, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"sgdUpdate", nullptr, SgdUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluBackward", nullptr, ReluBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addInto", nullptr, AddInto, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxRows", nullptr, SoftmaxRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmaxRowsBackward", nullptr, SoftmaxRowsBackward, nullptr, nullptr, nullptr,
       napi_default, nullptr},
      {"columnSums", nullptr, ColumnSums, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool2dForward", nullptr, MaxPool2dForward, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"maxPool2dBackward", nullptr, MaxPool2dBackward, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"setIsa", nullptr, SetIsa, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
