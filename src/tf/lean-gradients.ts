/**
 * `leanVariableGrads`: `tf.variableGrads` with the same arithmetic in the same order (so the same
 * results bit for bit) and a lower memory peak. TF.js 4.22 keeps every intermediate gradient and
 * every tensor saved for the backward pass until the whole backward pass ends, so a training step
 * peaks at about the forward activations plus all their gradients; here each gradient is freed as
 * soon as the node that consumes it has run, and each node's saved tensors right after its
 * gradient, so the peak is about the forward activations alone. ResNet-56 at batch 128 fits the
 * wasm backend's 4 GiB heap this way, not with `tf.variableGrads`.
 *
 * It walks the engine's gradient tape itself (TF.js does not export its backward pass), using the
 * engine's own tape recording for the forward pass.
 */
import { tf } from './tf.js';

type Tensor = tf.Tensor;

/** A node of the engine's gradient tape (TF.js 4.22's `TapeNode`). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: tf.NamedTensorMap;
  outputs: Tensor[];
  saved?: Tensor[];
  gradient?: (dys: Array<Tensor | null>) => Record<string, () => Tensor>;
}

/** The parts of TF.js 4.22's engine this module drives. */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
}

/** The nodes on a path from one of `xs` to `y`, each with only the inputs that depend on `xs`. */
function nodesFromXsToY(tape: TapeNode[], xs: readonly Tensor[], y: Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodesFromX.add(node.id);
      for (const out of node.outputs) fromX.add(out.id);
    }
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((out) => toY.has(out.id))) {
      nodesToY.add(node.id);
      for (const input of Object.values(node.inputs)) toY.add(input.id);
    }
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, t]) => fromX.has(t.id))) }));
}

/**
 * Accumulated gradients by tensor id. One Tensor object can be the gradient of several tensors (a
 * gradient function may pass dy through unchanged), so objects are counted and disposed when no
 * entry holds them any more.
 */
class GradientMap {
  private readonly byId = new Map<number, Tensor>();
  private readonly holders = new Map<Tensor, number>();

  get(id: number): Tensor | undefined {
    return this.byId.get(id);
  }

  set(id: number, grad: Tensor): void {
    this.release(id);
    this.byId.set(id, grad);
    this.holders.set(grad, (this.holders.get(grad) ?? 0) + 1);
  }

  /** Drops the entry of `id`, disposing its tensor if nothing else holds it. */
  release(id: number): void {
    const grad = this.byId.get(id);
    if (grad === undefined) return;
    this.byId.delete(id);
    const left = (this.holders.get(grad) ?? 1) - 1;
    if (left > 0) {
      this.holders.set(grad, left);
    } else {
      this.holders.delete(grad);
      grad.dispose();
    }
  }

  /** Disposes `t` unless an entry holds it. */
  disposeUnheld(t: Tensor): void {
    if (!this.holders.has(t)) t.dispose();
  }
}

function checkGradient(node: TapeNode, name: string, dx: Tensor, x: Tensor): void {
  if (dx.dtype !== 'float32') {
    throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
  }
  if (!tf.util.arraysEqual(dx.shape, x.shape)) {
    throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
  }
}

/** Walks `nodes` backwards from y (gradient 1), freeing what no later step needs. */
function backpropagate(engine: EngineInternals, nodes: TapeNode[], y: Tensor, keep: Set<number>): GradientMap {
  const grads = new GradientMap();
  grads.set(y.id, tf.onesLike(y));
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node.gradient === undefined) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGradients = node.gradient(node.outputs.map((out) => grads.get(out.id) ?? null));
    for (const [name, x] of Object.entries(node.inputs)) {
      const thunk = inputGradients[name];
      if (thunk === undefined) {
        throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients)}.`);
      }
      const dx = engine.tidy(() => thunk());
      checkGradient(node, name, dx, x);
      const current = grads.get(x.id);
      if (current === undefined) {
        grads.set(x.id, dx);
      } else {
        grads.set(x.id, tf.add(current, dx));
        grads.disposeUnheld(dx);
      }
    }
    for (const out of node.outputs) if (!keep.has(out.id)) grads.release(out.id);
    for (const t of node.saved ?? []) t.dispose();
  }
  return grads;
}

/**
 * Value of `f()` (a scalar) and its gradients with respect to the trainable variables in
 * `varList`, keyed by variable name, as `tf.variableGrads(f, varList)` returns them. Inside an
 * outer gradient computation (higher-order gradients) it defers to `tf.variableGrads`.
 */
export function leanVariableGrads(f: () => tf.Scalar, varList: tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth > 0) return tf.variableGrads(f, varList);
  const xs = varList.filter((v) => v.trainable);
  if (xs.length === 0) throw new Error('leanVariableGrads: none of the variables is trainable');
  const value = engine.scopedRun(
    () => engine.startTape(),
    () => engine.endTape(),
    () => engine.tidy('forward', f),
  );
  if (value.rank !== 0) throw new Error(`leanVariableGrads: f must return a scalar, but it returned a rank-${value.rank} tensor`);
  const tape = engine.state.activeTape ?? [];
  const grads = engine.tidy('backward', () => {
    const map = backpropagate(engine, nodesFromXsToY(tape, xs, value), value, new Set(xs.map((x) => x.id)));
    const named: tf.NamedTensorMap = {};
    for (const x of xs) {
      const grad = map.get(x.id);
      if (grad !== undefined) named[x.name] = grad;
    }
    return named;
  });
  for (const node of tape) for (const t of node.saved ?? []) t.dispose();
  engine.state.activeTape = null;
  if (Object.keys(grads).length === 0) {
    throw new Error('leanVariableGrads: no variable is connected to the result of f');
  }
  return { value, grads };
}
