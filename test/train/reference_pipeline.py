"""The reference script's own augmentation on our random draws: `train_batch` and `reference_erase` (and
MEAN, STD) are taken from the source of ../shared/anchors/torch_reference_train.py and run on the given
images with a stand-in for Python's `random` module that hands out, in order, the draws our pipeline
made (checking that each call is the kind of draw, and for integers the range, that ours was).
Usage: reference_pipeline.py ANCHOR MANIFEST_JSON IMAGES_U8 OURS_F32; prints a JSON summary."""
import ast, json, math, sys, types
import numpy as np, torch

anchor, manifest_path, images_path, ours_path = sys.argv[1:5]
manifest = json.load(open(manifest_path))
n, h, w = manifest['count'], manifest['height'], manifest['width']


def is_mean_std(node):
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Tuple) and [getattr(e, 'id', None) for e in t.elts] == ['MEAN', 'STD'] for t in node.targets)


tree = ast.parse(open(anchor).read(), anchor)
taken = [node for node in tree.body if (isinstance(node, ast.FunctionDef) and node.name in ('reference_erase', 'train_batch')) or is_mean_std(node)]
assert len(taken) == 3, 'the anchor defines train_batch, reference_erase and MEAN, STD'


class Draws:
    """Stands in for the random module: returns our draws in order."""
    def __init__(s, draws):
        s.draws, s.used = draws, 0
    def take(s, kind):
        assert s.used < len(s.draws), 'the reference drew more than our pipeline did'
        d = s.draws[s.used]; s.used += 1
        assert d['kind'] == kind, 'draw %d: the reference asks for a %s, ours drew a %s' % (s.used - 1, kind, d['kind'])
        return d
    def randint(s, a, b):
        d = s.take('int')
        assert (d['lo'], d['hi']) == (a, b), 'draw %d: randint(%d, %d), ours int(%d, %d)' % (s.used - 1, a, b, d['lo'], d['hi'])
        return d['value']
    def random(s):
        return s.take('float')['value']
    def uniform(s, a, b):  # CPython's definition
        return a + (b - a) * s.take('float')['value']


draws = Draws(manifest['draws'])
images = np.fromfile(images_path, dtype=np.uint8).reshape(n, h, w)
space = {'np': np, 'math': math, 'torch': torch, 'random': draws, 'Xtr': images, 'Ytr': np.zeros(n, np.int64), 'a': types.SimpleNamespace(p=manifest['p'])}
exec(compile(ast.Module(body=taken, type_ignores=[]), anchor, 'exec'), space)
reference = space['train_batch'](np.arange(n))[0].numpy().reshape(n, h, w)
ours = np.fromfile(ours_path, dtype=np.float32).reshape(n, h, w)
fill = np.float32(0.4914)
print(json.dumps({
    'maxDifference': float(np.abs(reference - ours).max()),
    'drawsUsed': draws.used, 'drawsMade': len(manifest['draws']),
    'erasedImages': int(((reference == fill).sum((1, 2)) > 0).sum()),
}))
