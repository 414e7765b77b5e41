#!/bin/sh
# Fails the build with what to install when Node.js or npm is missing or too old.
required=20
how="Install Node.js $required or newer with npm (Debian: 'apt-get install nodejs npm' or the NodeSource packages; elsewhere https://nodejs.org), or skip the TypeScript client with -Dskip.npm."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "The TypeScript client (clients/typescript) needs Node.js and npm on the PATH, and none was found. $how" >&2
    exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt "$required" ]; then
    echo "The TypeScript client (clients/typescript) needs Node.js $required or newer; found $(node --version). $how" >&2
    exit 1
fi
echo "Node.js $(node --version), npm $(npm --version)"
