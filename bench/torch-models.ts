/**
 * PyTorch definitions of the paper's models (NCHW), matching `buildModel`: inserted into the bench
 * scripts that time the same models in PyTorch. `build(name, cin)` returns an nn.Sequential for
 * `resnet<depth>` (Bottleneck from depth 44, as the reference code), `preresnet18`, `wrn-28-10` and
 * `resnext29`, with `cin` input channels.
 */
export const TORCH_MODELS = String.raw`
def conv(i, o, k, s=1, g=1):
    return nn.Conv2d(i, o, k, s, k // 2, groups=g, bias=False)

def bn_relu(c):
    return [nn.BatchNorm2d(c), nn.ReLU()]

class Residual(nn.Module):
    def __init__(s, body, short, post_relu):
        super().__init__(); s.body, s.short, s.post = body, short, post_relu
    def forward(s, x):
        y = s.body(x) + s.short(x)
        return F.relu(y) if s.post else y

def projection(i, o, stride, with_bn=True):
    if stride == 1 and i == o: return nn.Identity()
    return nn.Sequential(conv(i, o, 1, stride), *( [nn.BatchNorm2d(o)] if with_bn else []))

def resnet(depth, cin):
    n, bottleneck = (depth - 2) // 6, depth >= 44
    layers, i = [conv(cin, 16, 3), *bn_relu(16)], 16
    for planes, stride in ((16, 1), (32, 2), (64, 2)):
        for b in range(n):
            st = stride if b == 0 else 1
            if bottleneck:
                o = planes * 4
                body = nn.Sequential(conv(i, planes, 1), *bn_relu(planes), conv(planes, planes, 3, st), *bn_relu(planes), conv(planes, o, 1), nn.BatchNorm2d(o))
            else:
                o = planes
                body = nn.Sequential(conv(i, o, 3, st), *bn_relu(o), conv(o, o, 3), nn.BatchNorm2d(o))
            layers.append(Residual(body, projection(i, o, st), True)); i = o
    return layers, i

class PreAct(nn.Module):
    def __init__(s, i, o, stride, drop=0.0):
        super().__init__()
        s.pre = nn.Sequential(*bn_relu(i))
        s.body = nn.Sequential(conv(i, o, 3, stride), *bn_relu(o), *([nn.Dropout(drop)] if drop > 0 else []), conv(o, o, 3))
        s.short = None if stride == 1 and i == o else conv(i, o, 1, stride)
    def forward(s, x):
        a = s.pre(x)
        return s.body(a) + (x if s.short is None else s.short(a))

def preact(stem, widths, n, cin):
    layers, i = [conv(cin, stem, 3)], stem
    for k, o in enumerate(widths):
        for b in range(n):
            layers.append(PreAct(i, o, 2 if b == 0 and k > 0 else 1)); i = o
    return layers + bn_relu(i), i

def resnext(cin, card=8, width=64, depth=29):
    n = (depth - 2) // 9
    layers, i = [conv(cin, 64, 3), *bn_relu(64)], 64
    for k in range(3):
        o, d = 256 << k, card * width << k
        for b in range(n):
            st = 2 if b == 0 and k > 0 else 1
            body = nn.Sequential(conv(i, d, 1), *bn_relu(d), conv(d, d, 3, st, card), *bn_relu(d), conv(d, o, 1), nn.BatchNorm2d(o))
            layers.append(Residual(body, projection(i, o, st), True)); i = o
    return layers, i

def build(name, cin=3):
    if name.startswith('resnet'): layers, c = resnet(int(name[6:]), cin)
    elif name == 'preresnet18': layers, c = preact(64, [64, 128, 256, 512], 2, cin)
    elif name == 'wrn-28-10': layers, c = preact(16, [160, 320, 640], 4, cin)
    else: layers, c = resnext(cin)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 10))
`;
