"""PyTorch definitions of the tfjs architectures, written with PyTorch's own layers (Conv2d padding,
BatchNorm2d, Linear) and named as the tfjs layers, so weights can be copied by name in either direction.
Shared by the model equivalence test and the training fidelity test."""
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F


class Blob:
    """float32 arrays read from one binary file, each given by {'offset', 'shape'} in float32 units."""
    def __init__(s, path):
        s.values = np.fromfile(path, dtype=np.float32)

    def tensor(s, ref):
        n = int(np.prod(ref['shape']))
        return torch.from_numpy(s.values[ref['offset']:ref['offset'] + n].reshape(ref['shape']).copy())


class Net(nn.Module):
    """Modules are created on first use and named as the layers of the tfjs model."""
    def __init__(s, spec):
        super().__init__(); s.mods = nn.ModuleDict(); s.spec = spec
    def get(s, name, make):
        if name not in s.mods: s.mods[name] = make()
        return s.mods[name]
    def conv(s, x, name, o, k, stride=1, groups=1):
        return s.get(name, lambda: nn.Conv2d(x.shape[1], o, k, stride, k // 2, groups=groups, bias=False))(x)
    def bn(s, x, name):
        return s.get(name, lambda: nn.BatchNorm2d(x.shape[1]))(x)
    def bnrelu(s, x, name):
        return F.relu(s.bn(x, name + '_bn'))
    def forward(s, x):
        x = ARCHS[s.spec['arch']](s, x, s.spec)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return s.get('fc', lambda: nn.Linear(x.shape[1], s.spec['numClasses']))(x)


def projection(m, x, o, st, name):
    if st == 1 and x.shape[1] == o: return x
    return m.bn(m.conv(x, name + '_proj', o, 1, st), name + '_proj_bn')


def resnet(m, x, spec):
    n, bottleneck = (spec['depth'] - 2) // 6, spec['block'] == 'bottleneck'
    x = m.bnrelu(m.conv(x, 'stem_conv', 16, 3), 'stem')
    for s, (planes, stride) in enumerate(((16, 1), (32, 2), (64, 2))):
        for b in range(n):
            name, st = 's%db%d' % (s + 1, b), stride if b == 0 else 1
            if bottleneck:
                h = m.bnrelu(m.conv(x, name + '_conv1', planes, 1), name + '_1')
                h = m.bnrelu(m.conv(h, name + '_conv2', planes, 3, st), name + '_2')
                o = planes * 4; h = m.bn(m.conv(h, name + '_conv3', o, 1), name + '_3_bn')
            else:
                h = m.bnrelu(m.conv(x, name + '_conv1', planes, 3, st), name + '_1')
                o = planes; h = m.bn(m.conv(h, name + '_conv2', o, 3), name + '_2_bn')
            x = F.relu(h + projection(m, x, o, st, name))
    return x


def preact(m, x, stem, widths, n):
    x = m.conv(x, 'stem_conv', stem, 3)
    for s, o in enumerate(widths):
        for b in range(n):
            name, st = 's%db%d' % (s + 1, b), 2 if b == 0 and s > 0 else 1
            a = m.bnrelu(x, name + '_pre')
            h = m.conv(m.bnrelu(m.conv(a, name + '_conv1', o, 3, st), name + '_mid'), name + '_conv2', o, 3)
            x = h + (x if st == 1 and x.shape[1] == o else m.conv(a, name + '_proj', o, 1, st))
    return m.bnrelu(x, 'final')


def resnext(m, x, spec):
    n, card, width = (spec['depth'] - 2) // 9, spec['cardinality'], spec['baseWidth']
    x = m.bnrelu(m.conv(x, 'stem_conv', 64, 3), 'stem')
    for s in range(3):
        for b in range(n):
            name, st, o, d = 's%db%d' % (s + 1, b), 2 if b == 0 and s > 0 else 1, 256 << s, card * width << s
            h = m.bnrelu(m.conv(x, name + '_reduce', d, 1), name + '_reduce')
            h = m.bnrelu(m.conv(h, name + '_group', d, 3, st, card), name + '_group')
            h = m.bn(m.conv(h, name + '_expand', o, 1), name + '_expand_bn')
            x = F.relu(h + projection(m, x, o, st, name))
    return x


ARCHS = {
    'resnet': resnet,
    'resnext': resnext,
    'preresnet18': lambda m, x, spec: preact(m, x, 64, [64, 128, 256, 512], 2),
    'wrn': lambda m, x, spec: preact(m, x, 16, [16 * spec['widenFactor'], 32 * spec['widenFactor'], 64 * spec['widenFactor']], (spec['depth'] - 4) // 6),
}


def build(spec, layers, blob, x):
    """The net of `spec` with the tfjs layers' weights (a list of {'name', 'arrays'}), its modules created
    by one inference-mode pass of the NCHW input `x`."""
    m = Net(spec)
    m.eval(); m(x)
    for layer in layers:
        module, w = m.mods[layer['name']], [blob.tensor(a) for a in layer['arrays']]
        with torch.no_grad():
            if isinstance(module, nn.Conv2d): module.weight.copy_(w[0].permute(3, 2, 0, 1))
            elif isinstance(module, nn.Linear): module.weight.copy_(w[0].t()); module.bias.copy_(w[1])
            else:
                for target, value in zip((module.weight, module.bias, module.running_mean, module.running_var), w): target.copy_(value)
    return m


def tfjs_arrays(module):
    """A module's weights in the tfjs layer's layout and order (HWIO kernels, [in, out] dense kernel,
    BatchNorm gamma, beta, moving mean, moving variance)."""
    if isinstance(module, nn.Conv2d): return [module.weight.permute(2, 3, 1, 0)]
    if isinstance(module, nn.Linear): return [module.weight.t(), module.bias]
    return [module.weight, module.bias, module.running_mean, module.running_var]


def nhwc_to_nchw(x):
    return x.permute(0, 3, 1, 2).contiguous()
