#!/usr/bin/env bash
# Checks that schemas/oso-dossier-2019.1.xsd (ours) accepts and rejects the same
# documents as the published OSO 2019.1 XSD (the reference).
#
# 1. Both schemas must compile with libxml2 without warnings, and every example
#    dossier must validate against ours.
# 2. Base documents: the example dossiers (with long attachment contents cut
#    short to keep the run fast), plus documents generated from the reference
#    XSD itself so that elements that no example uses are covered too (one
#    document per global element and per choice branch, every optional element
#    present, repeatable elements twice).
# 3. Mutants of those bases: delete / duplicate each element, insert unknown
#    elements, put text into element-only content, swap adjacent siblings,
#    replace each leaf value and attribute value by a battery of (mostly
#    invalid) values, add unknown attributes, xsi:type and xsi:nil, wrong
#    namespaces, and other global elements as document root.
# 4. Every mutant is validated with both schemas; any mutant where the verdicts
#    (valid / invalid) differ is reported.
#
# Output ends with "equivalence: N mutants, M disagreements"; exit status 1 when
# M > 0 or when step 1 fails.
#
# Needs xmllint (libxml2) and python3 (standard library only).
# Paths can be overridden: OURS_XSD, REFERENCE_XSD, EXAMPLES_DIR.
# Set KEEP_TMP=1 to keep the generated mutants for inspection.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
OURS_XSD="${OURS_XSD:-$here/oso-dossier-2019.1.xsd}"
REFERENCE_XSD="${REFERENCE_XSD:-$repo/../shared/oso/reference/OSO_gegevensset_2019.1.xsd}"
EXAMPLES_DIR="${EXAMPLES_DIR:-$repo/../shared/oso/reference/examples}"

for tool in xmllint python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
for f in "$OURS_XSD" "$REFERENCE_XSD"; do
  [[ -f "$f" ]] || { echo "schema not found: $f" >&2; exit 2; }
done
shopt -s nullglob
examples=("$EXAMPLES_DIR"/*.xml)
shopt -u nullglob
(( ${#examples[@]} > 0 )) || { echo "no example dossiers in $EXAMPLES_DIR" >&2; exit 2; }

tmp="$(mktemp -d)"
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
  echo "keeping temporary files in $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

status=0

# --- 1. compile cleanly, examples valid ---------------------------------------
for xsd in "$REFERENCE_XSD" "$OURS_XSD"; do
  # Anything on stderr other than the per-file verdict is a compile warning/error.
  if ! out="$(xmllint --noout --schema "$xsd" "${examples[@]}" 2>&1)"; then
    if [[ "$xsd" == "$OURS_XSD" ]]; then
      echo "FAIL: not all examples validate against $xsd:" >&2
      echo "$out" | grep -v ' validates$' >&2 || true
      status=1
    else
      echo "note: not all examples validate against the reference" >&2
    fi
  fi
  noise="$(echo "$out" | grep -Ev ' (validates|fails to validate)$' | grep -Ev '(Schemas validity error|^$)' || true)"
  if [[ -n "$noise" ]]; then
    echo "FAIL: libxml2 reports warnings or errors while compiling $xsd:" >&2
    echo "$noise" >&2
    status=1
  fi
done
echo "examples: ${#examples[@]} dossiers validate against ours: $([[ $status == 0 ]] && echo yes || echo NO)"

# --- 2 + 3. bases and mutants ------------------------------------------------------
mkdir -p "$tmp/m"
python3 - "$REFERENCE_XSD" "$OURS_XSD" "$tmp" "${examples[@]}" <<'PY'
import copy, hashlib, os, re, sys
import xml.etree.ElementTree as ET

ref_xsd, ours_xsd, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
example_files = sys.argv[4:]
XS = 'http://www.w3.org/2001/XMLSchema'
XSI = 'http://www.w3.org/2001/XMLSchema-instance'
NS = 'http://www.edustandaard.nl/oso_gegevensset/2019/dossier'
OTHER_NS = 'http://www.edustandaard.nl/oso_gegevensset/2018/dossier'
ET.register_namespace('', NS)
ET.register_namespace('xsi', XSI)
outdir = os.path.join(tmp, 'm')

def local(tag):
    return tag.rsplit('}', 1)[-1]

# ---------------------------------------------------------------- reference model
schema = ET.parse(ref_xsd).getroot()
q = lambda n: '{%s}%s' % (XS, n)
g_elements = {e.get('name'): e for e in schema.findall(q('element'))}
g_complex = {e.get('name'): e for e in schema.findall(q('complexType'))}
g_simple = {e.get('name'): e for e in schema.findall(q('simpleType'))}
g_groups = {e.get('name'): e for e in schema.findall(q('group'))}

def split_qname(v):
    if ':' in v:
        p, n = v.split(':', 1)
        return ('xs' if p == 'xs' else p), n
    return None, v

def sample_pattern(p):
    """One string matching a simple pattern: classes, \\d, \\p{Nd}, {n}, literals."""
    out, i = [], 0
    while i < len(p):
        c = p[i]
        if c == '[':
            j = p.index(']', i)
            body = p[i + 1:j]
            ch = chr((ord(body[0]) + ord(body[2])) // 2) if len(body) >= 3 and body[1] == '-' else body[0]
            out.append(ch); i = j + 1
        elif p.startswith('\\p{Nd}', i):
            out.append('4'); i += 6
        elif p.startswith('\\d', i):
            out.append('4'); i += 2
        elif c == '{':
            j = p.index('}', i)
            out.append(out[-1] * (int(p[i + 1:j]) - 1)); i = j + 1
        elif c == '\\':
            out.append(p[i + 1]); i += 2
        else:
            out.append(c); i += 1
    return ''.join(out)

BUILTIN_SAMPLE = {'string': 'tekst', 'date': '2019-07-31', 'boolean': 'true', 'integer': '1',
                  'int': '1', 'decimal': '1.5', 'base64Binary': 'QUJD'}

def simple_value(typeref=None, inline=None):
    if typeref is not None:
        pre, name = split_qname(typeref)
        if pre == 'xs':
            return BUILTIN_SAMPLE.get(name, 'tekst')
        if name in g_simple:
            return simple_value(inline=g_simple[name])
        if name in g_complex:          # complex type with simple content
            return content_value(g_complex[name])
        return 'tekst'
    st = inline
    r = st.find(q('restriction'))
    if r is None:
        return 'tekst'
    pat = r.find(q('pattern'))
    if pat is not None:
        return sample_pattern(pat.get('value'))
    mi = r.find(q('minInclusive'))
    if mi is not None:
        return mi.get('value')
    if r.get('base'):
        return simple_value(typeref=r.get('base'))
    inner = r.find(q('simpleType'))
    return simple_value(inline=inner) if inner is not None else 'tekst'

def content_value(ct):
    for sc in ct.iter(q('simpleContent')):
        ext = sc.find(q('extension'))
        if ext is None:
            ext = sc.find(q('restriction'))
        return simple_value(typeref=ext.get('base'))
    return 'tekst'

def occurs(p, mode):
    mn = int(p.get('minOccurs', '1'))
    mx = p.get('maxOccurs', '1')
    if mode == 'min':
        return mn
    return 2 if (mx == 'unbounded' or int(mx) > 1) else 1

def gen_particles(node, mode, variant, depth):
    """Children of a model group / particle list -> list of generated elements."""
    out = []
    for p in node:
        tag = local(p.tag)
        if tag in ('annotation', 'attribute', 'anyAttribute'):
            continue
        n = occurs(p, mode)
        for _ in range(n):
            if tag == 'element':
                out.extend(gen_element(p, mode, variant, depth))
            elif tag == 'sequence':
                out.extend(gen_particles(p, mode, variant, depth))
            elif tag == 'choice':
                branches = [b for b in p if local(b.tag) != 'annotation']
                b = branches[variant % len(branches)]
                out.extend(gen_particles([b], mode, variant, depth))
            elif tag == 'group':
                grp = g_groups[split_qname(p.get('ref'))[1]]
                out.extend(gen_particles(list(grp), mode, variant, depth))
    return out

def fill_complex(el, ct, mode, variant, depth):
    for child in ct:
        tag = local(child.tag)
        if tag in ('sequence', 'choice', 'group'):
            el.extend(gen_particles([child], mode, variant, depth))
        elif tag == 'attribute':
            if mode != 'min' or child.get('use') == 'required':
                el.set(child.get('name'), 'omschrijving')
        elif tag in ('complexContent', 'simpleContent'):
            der = child[0] if local(child[0].tag) != 'annotation' else child[1]
            base = split_qname(der.get('base'))
            if local(child.tag) == 'complexContent':
                if base[0] != 'xs':
                    fill_complex(el, g_complex[base[1]], mode, variant, depth)
                fill_complex(el, der, mode, variant, depth)
            else:
                el.text = simple_value(typeref=der.get('base'))
                fill_complex(el, der, mode, variant, depth)

def gen_element(decl, mode, variant, depth):
    if depth > 40:
        return []
    if decl.get('ref'):
        decl = g_elements[split_qname(decl.get('ref'))[1]]
    el = ET.Element('{%s}%s' % (NS, decl.get('name')))
    t = decl.get('type')
    ct = decl.find(q('complexType'))
    st = decl.find(q('simpleType'))
    if ct is not None:
        fill_complex(el, ct, mode, variant, depth + 1)
    elif st is not None:
        el.text = simple_value(inline=st)
    elif t is not None:
        pre, name = split_qname(t)
        if pre != 'xs' and name in g_complex:
            fill_complex(el, g_complex[name], mode, variant, depth + 1)
        else:
            el.text = simple_value(typeref=t)
    else:
        el.text = 'tekst'
    return [el]

# ---------------------------------------------------------------- declarations
# Which reference declaration governs an instance element. Mutants are keyed on
# it: in a valid base, the verdict of a local change depends only on the
# declaration(s) involved and the resulting child sequence, so repeating the
# same change in another copy of the same context adds nothing.
_child_cache = {}

def resolve(decl):
    return g_elements[split_qname(decl.get('ref'))[1]] if decl.get('ref') else decl

def type_node(decl):
    ct = decl.find(q('complexType'))
    if ct is not None:
        return ct
    t = decl.get('type')
    if t and split_qname(t)[0] != 'xs' and split_qname(t)[1] in g_complex:
        return g_complex[split_qname(t)[1]]
    return None

def child_decls(ct):
    if id(ct) in _child_cache:
        return _child_cache[id(ct)]
    found = {}
    def collect(node):
        for p in node:
            tag = local(p.tag)
            if tag == 'element':
                d = resolve(p)
                found.setdefault(d.get('name'), d)
            elif tag in ('sequence', 'choice'):
                collect(p)
            elif tag == 'group':
                collect(g_groups[split_qname(p.get('ref'))[1]])
            elif tag in ('complexContent', 'simpleContent'):
                for der in p:
                    if local(der.tag) in ('extension', 'restriction'):
                        pre, base = split_qname(der.get('base'))
                        if pre != 'xs' and base in g_complex and local(p.tag) == 'complexContent':
                            collect(g_complex[base])
                        collect(der)
    collect(ct)
    _child_cache[id(ct)] = found
    return found

# ---------------------------------------------------------------- mutant output
seen, seen_keys = set(), set()
manifest = open(os.path.join(tmp, 'manifest.tsv'), 'w', encoding='utf-8')
count = 0

def fresh(key):
    """True the first time a semantic key is offered (skips redundant mutants)."""
    if key in seen_keys:
        return False
    seen_keys.add(key)
    return True

def write(data, kind, base, path, detail=''):
    global count
    h = hashlib.sha1(data).digest()
    if h in seen:
        return
    seen.add(h)
    count += 1
    name = '%06d.xml' % count
    with open(os.path.join(outdir, name), 'wb') as fh:
        fh.write(data)
    detail = detail if len(detail) <= 60 else detail[:40] + '...(%d chars)' % len(detail)
    manifest.write('%s\t%s\t%s\t%s\t%s\n' % (name, kind, base, path, detail.replace('\t', ' ').replace('\n', ' ')))

def ser(root):
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='utf-8', xml_declaration=False)

def index(root):
    """Document order list of (elem, parent, path, decl); first occurrence per path."""
    items, first = [], {}
    def walk(e, parent, path, decl):
        p = path + '/' + local(e.tag)
        items.append((e, parent, p, decl))
        first.setdefault(p, (e, parent, decl))
        ct = type_node(decl) if decl is not None else None
        kids = child_decls(ct) if ct is not None else {}
        for c in list(e):
            walk(c, e, p, kids.get(local(c.tag)))
    walk(root, None, '', g_elements.get(local(root.tag)))
    return items, first

def tags(parent):
    return tuple(local(c.tag) if c.tag.startswith('{%s}' % NS) else c.tag for c in parent)

# Bases: examples (long attachment contents cut short) + generated documents.
bases = []
for f in example_files:
    root = ET.parse(f).getroot()
    for e in root.iter('{%s}bestandsinhoud' % NS):
        if e.text and len(e.text) > 200:
            e.text = e.text[:100]
    bases.append(('ex:' + os.path.basename(f), root))
gen_roots = []
for gname in sorted(g_elements):
    for mode, variants in (('max', range(7)), ('min', range(1))):
        for v in variants:
            els = gen_element(g_elements[gname], mode, v, 0)
            gen_roots.append(('gen:%s:%s%d' % (gname, mode, v), els[0]))
uniq = {}
for name, r in gen_roots:
    uniq.setdefault(ser(r), (name, r))
generated = list(uniq.values())
for name, r in bases + generated:
    write(ser(r), 'base', name, '/' + local(r.tag))

# Phase A, literally per example: delete every distinct element path once and
# give every distinct leaf path three invalid values.
for bname, root in bases:
    items, first = index(root)
    for path, (e, parent, decl) in first.items():
        if parent is not None and fresh(('delete-path', path)):
            i = list(parent).index(e)
            parent.remove(e)
            write(ser(root), 'delete', bname, path)
            parent.insert(i, e)
        if len(e) == 0:
            old = e.text
            for val in ('x', '', 'A' * 300):
                if fresh(('value-path', path, val)):
                    e.text = val
                    write(ser(root), 'value', bname, path, val)
            e.text = old

# Phase B, all bases smallest first, keyed on declarations.
BATTERY = ['', ' ', 'x', 'A' * 300, '0', '-1', '1', '+1', '24', '25', '1000', '1001', '1.5',
           'true', 'false', '2019-07-31', '2019-08-01', '2019-13-01', '2019-07-31Z',
           '12AB', '12ab', '12', '1234', '12345', '2018-2019', '2010-05', '01-02-2010',
           '\u0661\u0662-\u0660\u0662-\u0662\u0660\u0661\u0660', 'A' * 35, 'A' * 36,
           'A' * 280, 'A' * 281, 'A' * 1024, 'A' * 1025, '2147483648', '1e3', 'INF', 'QUJD']
# Type names for xsi:type come from both schemas, so that a type only one of
# them defines shows up as a disagreement.
ours_root = ET.parse(ours_xsd).getroot()
simple_names = sorted(set(g_simple) | {t.get('name') for t in ours_root.iter(q('simpleType')) if t.get('name')})
complex_names = sorted(set(g_complex) | {t.get('name') for t in ours_root.iter(q('complexType')) if t.get('name')})
builtins = ['xsd:string', 'xsd:integer', 'xsd:int', 'xsd:decimal', 'xsd:date', 'xsd:boolean',
            'xsd:anyType', 'xsd:token', 'bestaatNietType']

def structural(bname, root):
    items, first = index(root)
    decl_of = {id(e): d for e, _, _, d in items}
    for e, parent, path, decl in items:
        did = id(decl)
        if parent is not None:
            pid = id(decl_of[id(parent)])
            sibs = list(parent)
            i = sibs.index(e)
            seq = tags(parent)
            def keyed(kind, newseq):
                return fresh((kind, pid, newseq))
            if keyed('delete', seq[:i] + seq[i + 1:] + ('-' + seq[i],)):
                parent.remove(e)
                write(ser(root), 'delete', bname, path)
                parent.insert(i, e)
            if keyed('duplicate', seq[:i + 1] + seq[i:]):
                dup = copy.deepcopy(e)
                parent.insert(i + 1, dup)
                write(ser(root), 'duplicate', bname, path)
                parent.remove(dup)
            if keyed('unknown-sibling', seq[:i] + ('?',) + seq[i:]):
                unk = ET.Element('{%s}onbekendelement' % NS)
                unk.text = 'x'
                parent.insert(i, unk)
                write(ser(root), 'unknown-sibling', bname, path)
                parent.remove(unk)
            if i + 1 < len(sibs) and sibs[i + 1].tag != e.tag and \
                    keyed('swap', seq[:i] + (seq[i + 1], seq[i]) + seq[i + 2:]):
                nxt = sibs[i + 1]
                parent.remove(nxt)
                parent.insert(i, nxt)
                write(ser(root), 'swap-next', bname, path, local(nxt.tag))
                parent.remove(nxt)
                parent.insert(i + 1, nxt)
            if keyed('wrong-ns', seq[:i] + ('!' + seq[i],) + seq[i + 1:]):
                old_tag = e.tag
                e.tag = '{%s}%s' % (OTHER_NS, local(old_tag))
                write(ser(root), 'wrong-ns', bname, path)
                e.tag = old_tag
        if fresh(('decl', did)):
            unk = ET.Element('{%s}onbekendelement' % NS)
            e.append(unk)
            write(ser(root), 'unknown-child', bname, path)
            e.remove(unk)
            e.set('onbekend', '1')
            write(ser(root), 'unknown-attr', bname, path)
            del e.attrib['onbekend']
            e.set('{%s}nil' % XSI, 'true')
            write(ser(root), 'xsi:nil', bname, path)
            del e.attrib['{%s}nil' % XSI]
            if len(e):
                old = e.text
                e.text = 'x'
                write(ser(root), 'text-in-complex', bname, path)
                e.text = old
            else:
                old = e.text
                for val in BATTERY + [' %s ' % (old or ''), (old or '') + 'x']:
                    e.text = val
                    write(ser(root), 'value', bname, path, val)
                e.text = old
            for a in list(e.attrib):
                old = e.get(a)
                for val in ('', 'x', 'A' * 300):
                    e.set(a, val)
                    write(ser(root), 'attr-value', bname, path + '/@' + a, val)
                del e.attrib[a]
                write(ser(root), 'attr-removed', bname, path + '/@' + a)
                e.set(a, old)
            for t in (simple_names if len(e) == 0 else complex_names) + builtins:
                e.set('{%s}type' % XSI, t)
                e.set('xmlns:xsd', XS)
                write(ser(root), 'xsi:type', bname, path, t)
            del e.attrib['{%s}type' % XSI]
            del e.attrib['xmlns:xsd']

for _, bname, root in sorted(((len(ser(r)), n, r) for n, r in bases + generated), key=lambda t: t[0]):
    structural(bname, root)

# Phase C: roots and envelopes.
for bname, root in bases:
    old_tag = root.tag
    root.tag = '{%s}%s' % (OTHER_NS, local(old_tag))
    write(ser(root), 'root-wrong-ns', bname, '/' + local(old_tag))
    root.tag = old_tag
    write(ser(root).replace(b' xmlns="%s"' % NS.encode(), b'', 1), 'no-namespace', bname, '/')
for bname, root in bases + generated:
    items, first = index(root)
    for path, (e, parent, decl) in first.items():
        # any global element may be a document root (tried for every element
        # name, so a global declaration only one schema has is noticed)
        if parent is not None and fresh(('as-root', id(decl), local(e.tag))):
            write(ser(e), 'as-root', bname, path)
            unk = ET.Element('{%s}onbekendelement' % NS)
            e.append(unk)
            write(ser(e), 'as-root+unknown', bname, path)
            e.remove(unk)
env = ET.Element('{%s}dossiers' % NS)
write(ser(env), 'envelope-empty', '-', '/dossiers')
for _, r in bases:
    env.append(copy.deepcopy(r))
write(ser(env), 'envelope', 'examples', '/dossiers')
terug = [r for n, r in generated if local(r.tag) == 'terugkoppeling'][0]
env2 = ET.Element('{%s}dossiers' % NS)
env2.extend([copy.deepcopy(terug), copy.deepcopy(bases[0][1])])
write(ser(env2), 'envelope-order', 'examples', '/dossiers')
unk_root = ET.Element('{%s}onbekendelement' % NS)
write(ser(unk_root), 'unknown-root', '-', '/onbekendelement')

manifest.close()
print('generated %d distinct mutants from %d examples and %d generated documents'
      % (count, len(bases), len(generated)))
PY

# --- 4. validate with both schemas, compare ----------------------------------------
validate() { # schema, output file
  (cd "$tmp/m" && find . -maxdepth 1 -name '*.xml' -printf '%f\n' | sort |
    xargs -n 3000 xmllint --noout --schema "$1" 2>&1 |
    grep -E '^[0-9]+\.xml (validates|fails to validate)$' || true) >"$2"
}
validate "$REFERENCE_XSD" "$tmp/ref.txt" &
pid_ref=$!
validate "$OURS_XSD" "$tmp/ours.txt" &
pid_ours=$!
wait "$pid_ref"
wait "$pid_ours"

python3 - "$tmp" <<'PY' || status=1
import os, sys
tmp = sys.argv[1]
def verdicts(fn):
    out = {}
    for line in open(os.path.join(tmp, fn), encoding='utf-8'):
        name, _, rest = line.strip().partition(' ')
        out[name] = 'valid' if rest == 'validates' else 'invalid'
    return out
ref, ours = verdicts('ref.txt'), verdicts('ours.txt')
manifest = [l.rstrip('\n').split('\t') for l in open(os.path.join(tmp, 'manifest.tsv'), encoding='utf-8')]
bad, missing, kinds = [], 0, {}
ref_valid = 0
for name, kind, base, path, detail in manifest:
    r, o = ref.get(name), ours.get(name)
    if r is None or o is None:
        missing += 1
    k = kinds.setdefault(kind, [0, 0])
    k[0] += 1
    if r == 'valid':
        ref_valid += 1
        k[1] += 1
    if r != o:
        bad.append((name, kind, base, path, detail, r, o))
for name, kind, base, path, detail, r, o in bad[:200]:
    print('DISAGREE %s %-16s %s %s %r reference=%s ours=%s' % (name, kind, base, path, detail, r, o))
if len(bad) > 200:
    print('... %d more disagreements' % (len(bad) - 200))
print('per kind (mutants / valid per reference): ' +
      ', '.join('%s %d/%d' % (k, v[0], v[1]) for k, v in sorted(kinds.items())))
if missing:
    print('warning: %d mutants without a verdict from xmllint' % missing)
print('reference verdicts: %d valid, %d invalid' % (ref_valid, len(manifest) - ref_valid))
print('equivalence: %d mutants, %d disagreements' % (len(manifest), len(bad)))
sys.exit(1 if bad or missing else 0)
PY

exit "$status"
