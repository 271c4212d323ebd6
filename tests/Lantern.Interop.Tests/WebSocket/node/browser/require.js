// A minimal CommonJS loader for the browser test: JsSIP's npm package ships CommonJS only (lib/), so the page loads it
// file by file from the installed node_modules (served by the test) with synchronous requests, as a bundler would join them.
(function () {
  'use strict';
  var cache = {};
  function get(url) {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url, false);
    xhr.send();
    return xhr.status === 200 ? xhr.responseText : null;
  }
  function dirname(path) { return path.substring(0, path.lastIndexOf('/')); }
  function normalize(path) {
    var out = [];
    path.split('/').forEach(function (p) {
      if (p === '..') out.pop(); else if (p !== '.' && p !== '') out.push(p);
    });
    return '/' + out.join('/');
  }
  function asFile(path) {
    if (/\.(js|json)$/.test(path) && get(path) !== null) return path;
    if (get(path + '.js') !== null) return path + '.js';
    if (get(path + '/index.js') !== null) return path + '/index.js';
    throw new Error('cannot resolve ' + path);
  }
  function resolve(from, name) {
    if (name.charAt(0) === '.') return asFile(normalize(dirname(from) + '/' + name));
    var root = '/node_modules/' + name;
    var pkg = JSON.parse(get(root + '/package.json'));
    var main = typeof pkg.browser === 'string' ? pkg.browser : (pkg.main || 'index.js');
    return asFile(normalize(root + '/' + main));
  }
  function load(path) {
    if (cache[path]) return cache[path].exports;
    var module = { exports: {} };
    cache[path] = module;
    var source = get(path);
    if (/\.json$/.test(path)) {
      module.exports = JSON.parse(source);
      return module.exports;
    }
    var fn = new Function('require', 'module', 'exports', source + '\n//# sourceURL=' + path);
    fn(function (name) { return load(resolve(path, name)); }, module, module.exports);
    return module.exports;
  }
  window.process = window.process || { env: {} };
  window.global = window;
  window.requirePackage = function (name) { return load(resolve('/', name)); };
})();
