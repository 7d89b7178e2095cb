// tsc compiles the TypeScript; n8n also needs the node icons next to the compiled files.
const path = require('path');
const { task, src, dest } = require('gulp');

task('build:icons', copyIcons);

// One icon, light and dark, in icons/: nodes and the credential point to it from dist/.
function copyIcons() {
	return src(path.resolve('icons', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'icons')),
	);
}
