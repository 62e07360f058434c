// Node-API bindings of the native kernels. Every tensor argument is a Float32Array (for TF.js's
// wasm backend, a view of the wasm heap: no copy); lengths are checked against the geometry before
// any kernel runs, so a wrong call throws instead of writing out of bounds.
#include <dnnl.hpp>
#include <napi.h>

#include <string>

#include "batch_norm.h"
#include "conv.h"
#include "elementwise.h"
#include "parallel.h"

namespace {

using re::ConvGeometry;

float* floats(const Napi::Value& value, size_t length, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a Float32Array");
  }
  auto array = value.As<Napi::Float32Array>();
  if (array.ElementLength() != length) {
    throw Napi::RangeError::New(value.Env(), std::string(name) + " has " + std::to_string(array.ElementLength()) +
                                                 " values, expected " + std::to_string(length));
  }
  return array.Data();
}

/** A float32 array argument of `length` values, or nullptr for null. */
const float* optionalFloats(const Napi::Value& value, size_t length, const char* name) {
  return value.IsNull() ? nullptr : floats(value, length, name);
}

int positive(const Napi::Value& value, const char* name) {
  const int n = value.IsNumber() ? value.As<Napi::Number>().Int32Value() : 0;
  if (n <= 0) throw Napi::RangeError::New(value.Env(), std::string(name) + " must be a positive integer");
  return n;
}

ConvGeometry geometry(const Napi::Value& value) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      value.As<Napi::Int32Array>().ElementLength() != re::kGeometryFields) {
    throw Napi::TypeError::New(value.Env(), "geometry must be an Int32Array of " + std::to_string(re::kGeometryFields) + " values");
  }
  ConvGeometry g;
  const int32_t* fields = value.As<Napi::Int32Array>().Data();
  int* target = &g.batch;
  for (int i = 0; i < re::kGeometryFields; i++) target[i] = fields[i];
  return g;
}

size_t inputLength(const ConvGeometry& g) { return static_cast<size_t>(g.batch) * g.inHeight * g.inWidth * g.inChannels; }
size_t outputLength(const ConvGeometry& g) { return static_cast<size_t>(g.batch) * g.outHeight * g.outWidth * g.outChannels; }
size_t filterLength(const ConvGeometry& g) {
  return static_cast<size_t>(g.filterHeight) * g.filterWidth * g.inChannels * g.outChannels;
}

/** Runs a kernel, turning oneDNN and standard exceptions into JS errors. */
template <class Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& error) {
    throw Napi::Error::New(info.Env(), error.what());
  }
  return info.Env().Undefined();
}

// convForward(geometry, x, filter, bias | null, relu, y)
Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  const ConvGeometry g = geometry(info[0]);
  const float* x = floats(info[1], inputLength(g), "x");
  const float* w = floats(info[2], filterLength(g), "filter");
  const float* bias = optionalFloats(info[3], g.outChannels, "bias");
  const bool relu = info[4].ToBoolean();
  float* y = floats(info[5], outputLength(g), "y");
  return guarded(info, [&] { re::convForward(g, x, w, bias, relu, y); });
}

// convBackwardData(geometry, dy, filter, dx)
Napi::Value ConvBackwardData(const Napi::CallbackInfo& info) {
  const ConvGeometry g = geometry(info[0]);
  const float* dy = floats(info[1], outputLength(g), "dy");
  const float* w = floats(info[2], filterLength(g), "filter");
  float* dx = floats(info[3], inputLength(g), "dx");
  return guarded(info, [&] { re::convBackwardData(g, dy, w, dx); });
}

// convBackwardWeights(geometry, x, dy, dw)
Napi::Value ConvBackwardWeights(const Napi::CallbackInfo& info) {
  const ConvGeometry g = geometry(info[0]);
  const float* x = floats(info[1], inputLength(g), "x");
  const float* dy = floats(info[2], outputLength(g), "dy");
  float* dw = floats(info[3], filterLength(g), "dw");
  return guarded(info, [&] { re::convBackwardWeights(g, x, dy, dw); });
}

// batchNormForward(rows, channels, x, gamma, beta, epsilon, relu, y, mean, variance, scale)
Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  const int rows = positive(info[0], "rows");
  const int channels = positive(info[1], "channels");
  const size_t size = static_cast<size_t>(rows) * channels;
  const float* x = floats(info[2], size, "x");
  const float* gamma = floats(info[3], channels, "gamma");
  const float* beta = floats(info[4], channels, "beta");
  const float epsilon = info[5].As<Napi::Number>().FloatValue();
  const bool relu = info[6].ToBoolean();
  float* y = floats(info[7], size, "y");
  float* mean = floats(info[8], channels, "mean");
  float* variance = floats(info[9], channels, "variance");
  float* scale = floats(info[10], channels, "scale");
  return guarded(info, [&] { re::batchNormForward(rows, channels, x, gamma, beta, epsilon, relu, y, mean, variance, scale); });
}

// batchNormBackward(rows, channels, dy, x, gamma, mean, variance, epsilon, reluScale | null, reluBeta | null, dx, dgamma, dbeta)
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const int rows = positive(info[0], "rows");
  const int channels = positive(info[1], "channels");
  const size_t size = static_cast<size_t>(rows) * channels;
  const float* dy = floats(info[2], size, "dy");
  const float* x = floats(info[3], size, "x");
  const float* gamma = floats(info[4], channels, "gamma");
  const float* mean = floats(info[5], channels, "mean");
  const float* variance = floats(info[6], channels, "variance");
  const float epsilon = info[7].As<Napi::Number>().FloatValue();
  const float* reluScale = optionalFloats(info[8], channels, "reluScale");
  const float* reluBeta = optionalFloats(info[9], channels, "reluBeta");
  if ((reluScale == nullptr) != (reluBeta == nullptr)) {
    throw Napi::TypeError::New(info.Env(), "reluScale and reluBeta must both be given or both be null");
  }
  float* dx = floats(info[10], size, "dx");
  float* dgamma = floats(info[11], channels, "dgamma");
  float* dbeta = floats(info[12], channels, "dbeta");
  return guarded(info, [&] {
    re::batchNormBackward(rows, channels, dy, x, gamma, mean, variance, epsilon, reluScale, reluBeta, dx, dgamma, dbeta);
  });
}

/** Length of a Float32Array argument (checked to be one). */
size_t lengthOf(const Napi::Value& value, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a Float32Array");
  }
  return value.As<Napi::Float32Array>().ElementLength();
}

// reluForward(x, y)
Napi::Value ReluForward(const Napi::CallbackInfo& info) {
  const size_t size = lengthOf(info[0], "x");
  const float* x = floats(info[0], size, "x");
  float* y = floats(info[1], size, "y");
  return guarded(info, [&] { re::reluForward(size, x, y); });
}

// reluBackward(dy, x, dx)
Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
  const size_t size = lengthOf(info[0], "dy");
  const float* dy = floats(info[0], size, "dy");
  const float* x = floats(info[1], size, "x");
  float* dx = floats(info[2], size, "dx");
  return guarded(info, [&] { re::reluBackward(size, dy, x, dx); });
}

// channelAffine(rows, channels, x, scale, shift, y)
Napi::Value ChannelAffine(const Napi::CallbackInfo& info) {
  const int rows = positive(info[0], "rows");
  const int channels = positive(info[1], "channels");
  const size_t size = static_cast<size_t>(rows) * channels;
  const float* x = floats(info[2], size, "x");
  const float* scale = floats(info[3], channels, "scale");
  const float* shift = floats(info[4], channels, "shift");
  float* y = floats(info[5], size, "y");
  return guarded(info, [&] { re::channelAffine(rows, channels, x, scale, shift, y); });
}

// setThreads(n): threads every later call may use.
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  re::setThreadCount(positive(info[0], "threads"));
  return info.Env().Undefined();
}

// info(): { onednn: 'major.minor.patch', threads }
Napi::Value Info(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  auto out = Napi::Object::New(info.Env());
  out.Set("onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  out.Set("threads", re::threadCount());
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("convForward", Napi::Function::New(env, ConvForward));
  exports.Set("convBackwardData", Napi::Function::New(env, ConvBackwardData));
  exports.Set("convBackwardWeights", Napi::Function::New(env, ConvBackwardWeights));
  exports.Set("batchNormForward", Napi::Function::New(env, BatchNormForward));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
  exports.Set("reluForward", Napi::Function::New(env, ReluForward));
  exports.Set("reluBackward", Napi::Function::New(env, ReluBackward));
  exports.Set("channelAffine", Napi::Function::New(env, ChannelAffine));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace

NODE_API_MODULE(random_erasing_native, Init)
