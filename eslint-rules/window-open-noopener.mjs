/**
 * `window.open()` must pass 'noopener,noreferrer' in its features argument, else the opened page can reach this one
 * through `window.opener` (tab-nabbing). ESLint has no built-in rule for it; this mirrors the catalog validator's
 * `window-open-without-noopener` code rule (grafana/plugin-validator pkg/analysis/passes/coderules).
 * A features argument that is not a literal string cannot be checked, so it is reported too.
 */
const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self']);
const REQUIRED = ['noopener', 'noreferrer'];

function propertyName(member) {
  if (!member.computed && member.property.type === 'Identifier') {
    return member.property.name;
  }
  return member.property.type === 'Literal' ? String(member.property.value) : undefined;
}

/** True when `name` is not declared in any enclosing scope, so it means the browser global. */
function isGlobal(scope, name) {
  for (let current = scope; current; current = current.upper) {
    const variable = current.set.get(name);
    if (variable && variable.defs.length > 0) {
      return false;
    }
  }
  return true;
}

function isWindowOpen(callee, scope) {
  if (callee.type === 'Identifier') {
    return callee.name === 'open' && isGlobal(scope, 'open');
  }
  return (
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    GLOBAL_OBJECTS.has(callee.object.name) &&
    isGlobal(scope, callee.object.name) &&
    propertyName(callee) === 'open'
  );
}

function literalText(node) {
  if (node.type === 'Literal' && typeof node.value === 'string') {
    return node.value;
  }
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) {
    return node.quasis[0].value.cooked;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const windowOpenNoopener = {
  meta: {
    type: 'problem',
    docs: { description: "Require 'noopener,noreferrer' in window.open()'s features" },
    schema: [],
    messages: {
      missing:
        "window.open() without 'noopener,noreferrer' in its features lets the opened page control this one through " +
        "window.opener (tab-nabbing). Pass them as the third argument: window.open(url, '_blank', 'noopener,noreferrer').",
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        if (!isWindowOpen(node.callee, context.sourceCode.getScope(node))) {
          return;
        }
        const features = node.arguments[2] ? literalText(node.arguments[2]) : undefined;
        const tokens = (features ?? '').split(',').map((token) => token.split('=')[0].trim().toLowerCase());
        if (!REQUIRED.every((required) => tokens.includes(required))) {
          context.report({ node, messageId: 'missing' });
        }
      },
    };
  },
};
