#include "conv.h"

#include <dnnl.hpp>
#include <omp.h>

#include <array>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "parallel.h"

namespace re {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& cpu() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& threadStream() {
  thread_local dnnl::stream stream(cpu());
  return stream;
}

/** This thread's scratchpad, at least `bytes` long. */
void* scratch(size_t bytes) {
  thread_local std::vector<char> buffer;
  if (buffer.size() < bytes) buffer.resize(bytes);
  return buffer.data();
}

enum class Op { Forward, ForwardBias, ForwardRelu, ForwardBiasRelu, BackwardData, BackwardWeights };

memory::desc activations(int batch, int height, int width, int channels) {
  return memory::desc({batch, channels, height, width}, dt::f32, tag::nhwc);
}

memory::dims filterDims(const ConvGeometry& g) { return {g.outChannels, g.inChannels, g.filterHeight, g.filterWidth}; }

/** TF.js filters [KH, KW, Ci, Co] are oneDNN's hwio layout. */
memory::desc userFilter(const ConvGeometry& g) { return memory::desc(filterDims(g), dt::f32, tag::hwio); }

memory::desc anyFilter(const ConvGeometry& g) { return memory::desc(filterDims(g), dt::f32, tag::any); }

/** A primitive for one task size, the filter layout it wants and its scratchpad. */
struct Plan {
  dnnl::primitive primitive;
  memory::desc filter;
  memory::desc scratchpad;
};

/** The memory descriptors and spatial attributes every primitive of one geometry shares. */
struct ConvShape {
  memory::desc src, dst;
  memory::dims strides, dilations, before, after;

  ConvShape(const ConvGeometry& g, int images)
      : src(activations(images, g.inHeight, g.inWidth, g.inChannels)),
        dst(activations(images, g.outHeight, g.outWidth, g.outChannels)),
        strides{g.strideHeight, g.strideWidth},
        // oneDNN counts dilation from 0 (no gaps), TF.js from 1.
        dilations{g.dilationHeight - 1, g.dilationWidth - 1},
        before{g.padTop, g.padLeft},
        after{g.padBottom, g.padRight} {}
};

dnnl::convolution_forward::desc forwardDesc(const ConvGeometry& g, const ConvShape& s, bool bias) {
  const auto prop = dnnl::prop_kind::forward_training;
  const auto algo = dnnl::algorithm::convolution_direct;
  if (bias) {
    const memory::desc biasDesc({g.outChannels}, dt::f32, tag::x);
    return {prop, algo, s.src, anyFilter(g), biasDesc, s.dst, s.strides, s.dilations, s.before, s.after};
  }
  return {prop, algo, s.src, anyFilter(g), s.dst, s.strides, s.dilations, s.before, s.after};
}

Plan makePlan(const ConvGeometry& g, int images, Op op) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  const bool bias = op == Op::ForwardBias || op == Op::ForwardBiasRelu;
  if (op == Op::ForwardRelu || op == Op::ForwardBiasRelu) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(ops);
  }
  const ConvShape shape(g, images);
  const auto fwd = forwardDesc(g, shape, bias);
  if (op != Op::BackwardData && op != Op::BackwardWeights) {
    dnnl::convolution_forward::primitive_desc pd(fwd, attr, cpu());
    return {dnnl::convolution_forward(pd), pd.weights_desc(), pd.scratchpad_desc()};
  }
  const dnnl::convolution_forward::primitive_desc hint(fwd, cpu());
  const auto& [src, dst, strides, dilations, before, after] = shape;
  const auto algo = dnnl::algorithm::convolution_direct;
  if (op == Op::BackwardData) {
    dnnl::convolution_backward_data::desc desc(algo, src, anyFilter(g), dst, strides, dilations, before, after);
    dnnl::convolution_backward_data::primitive_desc pd(desc, attr, cpu(), hint);
    return {dnnl::convolution_backward_data(pd), pd.weights_desc(), pd.scratchpad_desc()};
  }
  dnnl::convolution_backward_weights::desc desc(algo, src, anyFilter(g), dst, strides, dilations, before, after);
  dnnl::convolution_backward_weights::primitive_desc pd(desc, attr, cpu(), hint);
  return {dnnl::convolution_backward_weights(pd), pd.diff_weights_desc(), pd.scratchpad_desc()};
}

using PlanKey = std::array<int, kGeometryFields + 1>;

/** The cached plan for `images` images of geometry `g` (created single-threaded on first use). */
const Plan& cachedPlan(const ConvGeometry& g, int images, Op op) {
  static std::mutex lock;
  static std::map<PlanKey, Plan> plans;
  PlanKey key;
  const int* fields = &g.batch;
  for (int i = 0; i < kGeometryFields; i++) key[i] = fields[i];
  key[0] = images;
  key[kGeometryFields] = static_cast<int>(op);
  std::lock_guard<std::mutex> guard(lock);
  auto found = plans.find(key);
  if (found == plans.end()) {
    omp_set_num_threads(1);  // primitives are built for one thread: each task runs on one
    found = plans.emplace(key, makePlan(g, images, op)).first;
  }
  return found->second;
}

/** The batch cut into near-equal consecutive tasks of at most kImagesPerTask images. */
struct Tasks {
  int batch;
  int count;
  explicit Tasks(int images) : batch(images), count((images + kImagesPerTask - 1) / kImagesPerTask) {}
  int start(int k) const { return partStart(batch, count, k); }
  int size(int k) const { return start(k + 1) - start(k); }
};

memory wrap(const memory::desc& desc, const float* data) {
  return memory(desc, cpu(), const_cast<float*>(data));
}

void reorderInto(const memory::desc& from, const float* source, const memory::desc& to, float* target) {
  auto src = wrap(from, source);
  auto dst = wrap(to, target);
  dnnl::reorder(src, dst).execute(threadStream(), src, dst);
}

/** The plan of each task size with the filter in the layout that plan wants (one copy per layout). */
class PreparedFilters {
 public:
  PreparedFilters(const ConvGeometry& g, const Tasks& tasks, Op op, const float* w) {
    for (int k = 0; k < tasks.count; k++) {
      const int images = tasks.size(k);
      if (byImages_.count(images) > 0) continue;
      const Plan& p = cachedPlan(g, images, op);
      byImages_[images] = {&p, filterFor(g, p.filter, w)};
    }
  }
  const Plan& plan(int images) const { return *byImages_.at(images).first; }
  const float* filter(int images) const { return byImages_.at(images).second; }

 private:
  const float* filterFor(const ConvGeometry& g, const memory::desc& layout, const float* w) {
    const auto user = userFilter(g);
    if (layout == user) return w;
    copies_.emplace_back(layout.get_size() / sizeof(float));
    reorderInto(user, w, layout, copies_.back().data());
    return copies_.back().data();
  }
  std::map<int, std::pair<const Plan*, const float*>> byImages_;
  std::vector<std::vector<float>> copies_;
};

void execute(const Plan& p, std::unordered_map<int, memory> args) {
  args.emplace(DNNL_ARG_SCRATCHPAD, memory(p.scratchpad, cpu(), scratch(p.scratchpad.get_size())));
  p.primitive.execute(threadStream(), args);
}

size_t inSize(const ConvGeometry& g) { return static_cast<size_t>(g.inHeight) * g.inWidth * g.inChannels; }
size_t outSize(const ConvGeometry& g) { return static_cast<size_t>(g.outHeight) * g.outWidth * g.outChannels; }

}  // namespace

void convForward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const Tasks tasks(g.batch);
  const Op op = bias != nullptr ? (relu ? Op::ForwardBiasRelu : Op::ForwardBias) : (relu ? Op::ForwardRelu : Op::Forward);
  const PreparedFilters filters(g, tasks, op, w);
  const memory::desc biasDesc({g.outChannels}, dt::f32, tag::x);
  forEachTask(tasks.count, [&](int k) {
    const int images = tasks.size(k);
    const Plan& p = filters.plan(images);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, wrap(activations(images, g.inHeight, g.inWidth, g.inChannels), x + tasks.start(k) * inSize(g))},
        {DNNL_ARG_WEIGHTS, wrap(p.filter, filters.filter(images))},
        {DNNL_ARG_DST, wrap(activations(images, g.outHeight, g.outWidth, g.outChannels), y + tasks.start(k) * outSize(g))},
    };
    if (bias != nullptr) args.emplace(DNNL_ARG_BIAS, wrap(biasDesc, bias));
    execute(p, std::move(args));
  });
}

void convBackwardData(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const Tasks tasks(g.batch);
  const PreparedFilters filters(g, tasks, Op::BackwardData, w);
  forEachTask(tasks.count, [&](int k) {
    const int images = tasks.size(k);
    const Plan& p = filters.plan(images);
    execute(p, {
                   {DNNL_ARG_DIFF_DST, wrap(activations(images, g.outHeight, g.outWidth, g.outChannels), dy + tasks.start(k) * outSize(g))},
                   {DNNL_ARG_WEIGHTS, wrap(p.filter, filters.filter(images))},
                   {DNNL_ARG_DIFF_SRC, wrap(activations(images, g.inHeight, g.inWidth, g.inChannels), dx + tasks.start(k) * inSize(g))},
               });
  });
}

void convBackwardWeights(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const Tasks tasks(g.batch);
  const size_t filterSize = static_cast<size_t>(g.filterHeight) * g.filterWidth * g.inChannels * g.outChannels;
  // One HWIO partial per task (the first written straight into dw), summed in task order below.
  std::vector<float> partials(filterSize * (tasks.count - 1));
  const auto partial = [&](int k) { return k == 0 ? dw : partials.data() + (k - 1) * filterSize; };
  for (int k = 0; k < tasks.count; k++) cachedPlan(g, tasks.size(k), Op::BackwardWeights);
  const auto user = userFilter(g);
  forEachTask(tasks.count, [&](int k) {
    const int images = tasks.size(k);
    const Plan& p = cachedPlan(g, images, Op::BackwardWeights);
    const bool direct = p.filter == user;
    thread_local std::vector<float> blocked;
    if (!direct) blocked.resize(p.filter.get_size() / sizeof(float));
    float* target = direct ? partial(k) : blocked.data();
    execute(p, {
                   {DNNL_ARG_SRC, wrap(activations(images, g.inHeight, g.inWidth, g.inChannels), x + tasks.start(k) * inSize(g))},
                   {DNNL_ARG_DIFF_DST, wrap(activations(images, g.outHeight, g.outWidth, g.outChannels), dy + tasks.start(k) * outSize(g))},
                   {DNNL_ARG_DIFF_WEIGHTS, wrap(p.filter, target)},
               });
    if (!direct) reorderInto(p.filter, target, user, partial(k));
  });
  for (int k = 1; k < tasks.count; k++) {
    const float* part = partial(k);
    for (size_t i = 0; i < filterSize; i++) dw[i] += part[i];
  }
}

}  // namespace re
