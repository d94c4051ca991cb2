// Levitate exceptions; each is explained in README.md, "Compatibility notes" (scripts/validate.ts checks that).
module.exports = { changes: ['AppPlugin.addLink', 'AppPlugin.exposeComponent', 'config'] };
