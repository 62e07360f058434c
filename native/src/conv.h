// NHWC convolutions on oneDNN: forward (optional bias and ReLU), input gradient and filter
// gradient, on caller-owned float buffers (TF.js layouts: activations NHWC, filters HWIO).
#pragma once

namespace re {

/** Geometry of one NHWC convolution, padding resolved (as TF.js's Conv2DInfo). */
struct ConvGeometry {
  int batch, inHeight, inWidth, inChannels;
  int outHeight, outWidth, outChannels;
  int filterHeight, filterWidth;
  int strideHeight, strideWidth;
  int dilationHeight, dilationWidth;
  int padTop, padLeft, padBottom, padRight;
};

/** Number of ints in a packed geometry (the field order above). */
constexpr int kGeometryFields = 17;

/** Images per task: the batch is cut into ceil(batch / kImagesPerTask) near-equal tasks. */
constexpr int kImagesPerTask = 16;

/** y = conv(x, w) [+ bias] [then ReLU]; bias may be null. */
void convForward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu, float* y);

/** dx = the gradient of conv(x, w) with respect to x, given dy. */
void convBackwardData(const ConvGeometry& g, const float* dy, const float* w, float* dx);

/**
 * dw = the gradient with respect to w, given x and dy: one partial sum per task (fixed by the batch
 * size), added in task order, so the result does not depend on the number of threads.
 */
void convBackwardWeights(const ConvGeometry& g, const float* x, const float* dy, float* dw);

}  // namespace re
