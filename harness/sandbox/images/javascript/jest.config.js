// The harness's jest configuration, passed with --config, so jest never looks for one in the
// exercise tree. The tree has no node_modules: packages resolve from the image's read-only copy.
const path = require('path');

const modules = path.join(__dirname, 'node_modules');

module.exports = {
  testEnvironment: 'node',
  modulePaths: [modules],
  transform: {
    '\\.[cm]?jsx?$': [
      path.join(modules, 'babel-jest'),
      { babelrc: false, configFile: path.join(__dirname, 'babel.config.js') },
    ],
  },
  watchman: false,
};
