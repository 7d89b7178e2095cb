// Under CI, a run without Market's specs stops here with one message, before any test runs.
const { requireSpecsUnderCI } = require('../contract/specs');

module.exports = () => requireSpecsUnderCI();
