"""PyTorch side of the training fidelity test and benchmark: from the tfjs model's initial weights, train
on the same batches with the loop of the reference script (../shared/anchors/torch_reference_train.py):
step LR set at the start of each epoch, model.train(), cross-entropy (batch mean), zero_grad, backward,
SGD step (momentum, weight decay on every parameter), then an eval-mode pass over the test batches
(loss and error).
Each case names the dtypes to run in ('float32', 'float64'), and may give momentum buffers to start from,
or 'torchInitSeed': start from the reference script's initialisation drawn by torch instead of the given weights.
Usage: torch_steps.py MANIFEST_JSON BLOB NETS_DIR OUT_BLOB; prints per case {dtype: {epochs, layers}},
the final weights (tfjs layout) in OUT_BLOB."""
import json, math, sys
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
sys.path.insert(0, sys.argv[3])
from torch_nets import Blob, build, nhwc_to_nchw, tfjs_arrays

torch.set_num_threads(1)
manifest = json.load(open(sys.argv[1]))
blob = Blob(sys.argv[2])
out_parts, out_length = [], 0


def emit(t):
    """Append a tensor to the output blob; returns its reference."""
    global out_length
    a = t.detach().contiguous().numpy().astype(np.float32).ravel()
    out_parts.append(a); ref = {'offset': out_length, 'shape': list(t.shape)}; out_length += a.size
    return ref


def batch(b):
    return nhwc_to_nchw(blob.tensor(b['x'])), blob.tensor(b['y']).long()


def trainable(module):
    return [module.weight] + ([module.bias] if module.bias is not None else [])


def from_tfjs(param, t):
    """A tfjs array (HWIO kernel, [in, out] dense kernel, vector) in the layout of `param`."""
    if param.dim() == 4: return t.permute(3, 2, 0, 1).contiguous()
    if param.dim() == 2: return t.t().contiguous()
    return t


def reference_init(m, seed):
    """Replace the given weights by the reference script's initialisation, drawn by torch from `seed`:
    He normal (fan-out) convolutions, BatchNorm 1 / 0 with fresh statistics, PyTorch's default Linear."""
    torch.manual_seed(seed)
    for mod in m.modules():
        if isinstance(mod, nn.Conv2d): mod.weight.data.normal_(0, math.sqrt(2. / (mod.kernel_size[0] * mod.kernel_size[1] * mod.out_channels)))
        elif isinstance(mod, nn.BatchNorm2d): mod.weight.data.fill_(1); mod.bias.data.zero_(); mod.reset_running_stats()
        elif isinstance(mod, nn.Linear): mod.reset_parameters()


def train(case, dtype):
    """The reference loop in `dtype`; returns the per-epoch losses and the final weights (tfjs layout)."""
    first = batch(case['epochs'][0][0])[0]
    m = build(case['spec'], case['layers'], blob, first).to(dtype)
    if 'torchInitSeed' in case: reference_init(m, case['torchInitSeed'])
    opt = torch.optim.SGD(m.parameters(), lr=case['lr'], momentum=case['momentum'], weight_decay=case['weightDecay'], nesterov=case['nesterov'])
    for layer in case.get('buffers', []):  # momentum buffers to continue from, tfjs layout
        for param, ref in zip(trainable(m.mods[layer['name']]), layer['arrays']):
            opt.state[param]['momentum_buffer'] = from_tfjs(param, blob.tensor(ref)).to(dtype)
    lr, epochs = case['lr'], []
    for ep, batches in enumerate(case['epochs']):
        if ep in case['schedule']: lr *= case['gamma']
        for g in opt.param_groups: g['lr'] = lr
        m.train(); losses, counts = [], []
        for b in batches:
            x, y = batch(b); o = m(x.to(dtype)); loss = F.cross_entropy(o, y)
            opt.zero_grad(); loss.backward(); opt.step()
            losses.append(loss.item()); counts.append(len(y))
        m.eval(); test_sum, test_wrong, test_n = 0.0, 0, 0
        with torch.no_grad():
            for b in case['test']:
                x, y = batch(b); o = m(x.to(dtype))
                test_sum += F.cross_entropy(o, y, reduction='sum').item(); test_wrong += (o.argmax(1) != y).sum().item(); test_n += len(y)
        epochs.append({'lr': lr, 'stepLosses': losses, 'trainLoss': float(np.dot(losses, counts) / sum(counts)),
                       'testLoss': test_sum / test_n, 'testError': 100.0 * test_wrong / test_n})
    layers = [{'name': name, 'arrays': [emit(t) for t in tfjs_arrays(module)]} for name, module in m.mods.items()]
    return {'epochs': epochs, 'layers': layers}


# float32 as the reference script runs; float64 (on request: 16x slower) as the exact trajectory float32 runs drift from.
results = [{name: train(case, getattr(torch, name)) for name in case['dtypes']} for case in manifest]
np.concatenate(out_parts).tofile(sys.argv[4])
print(json.dumps(results))
