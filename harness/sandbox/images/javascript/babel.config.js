// The harness's Babel configuration, named explicitly by jest.config.js (with babelrc off), so no
// babel.config.*, .babelrc or package.json "babel" key in an exercise tree is ever read.
module.exports = {
  presets: [require.resolve('@exercism/babel-preset-javascript')],
  plugins: [],
};
