// tsc compiles the TypeScript; n8n also needs the node icons and the output schemas next to
// the compiled files.
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

task('build:assets', parallel(copyIcons, copySchemas));

// One icon, light and dark, in icons/: nodes and the credential point to it from dist/.
function copyIcons() {
	return src(path.resolve('icons', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'icons')),
	);
}

// n8n serves `<node dir>/__schema__/v<version>/<resource>/<operation>.json` at /schemas/... for the
// editor's output preview before the first run.
function copySchemas() {
	return src('nodes/**/__schema__/**/*.json', { base: '.' }).pipe(dest(path.resolve('dist')));
}
