import { resolveList, resolveText, type Replace } from './interpolation';

/** Stands in for getTemplateSrv().replace: substitutes $name with the given values through the formatter. */
function replacer(vars: Record<string, string | string[]>): Replace {
  return (text, format) => text.replace(/\$(\w+)/g, (whole, name) => (name in vars ? format(vars[name]) : whole));
}

describe('resolveList', () => {
  const replace = replacer({ ns: ['team-a', 'team-b'], one: 'prod', all: '$__all' });

  it('turns a multi-value variable into a list', () => {
    expect(resolveList('$ns', replace)).toEqual(['team-a', 'team-b']);
  });
  it('accepts literal comma lists and removes duplicates and blanks', () => {
    expect(resolveList('a, b,,a', replace)).toEqual(['a', 'b']);
  });
  it('combines a variable with literals', () => {
    expect(resolveList('$one,kube-system', replace)).toEqual(['prod', 'kube-system']);
  });
  it.each(['', '  ', '*', '.*', '$all', undefined])('treats %p as every value', (filter) => {
    expect(resolveList(filter, replace)).toBeUndefined();
  });
});

describe('resolveText', () => {
  it('renders a multi-value variable inside a set-based label selector', () => {
    expect(resolveText('app in ($app),tier!=db', replacer({ app: ['web', 'api'] }))).toBe('app in (web,api),tier!=db');
  });
  it('gives undefined for an empty selector', () => {
    expect(resolveText('  ', replacer({}))).toBeUndefined();
  });
});
