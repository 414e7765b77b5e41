#!/bin/sh
# Fails the build with what to install when Node.js or npm is missing or too old (Vite needs 20.19+).
how="Install Node.js 20.19 or newer with npm (https://nodejs.org; on Debian 12, whose nodejs is 18: 'apt-get install npm && npm install --global node@^20.19.0', as .ci/run does), or leave the TypeScript client out with -Dskip.npm."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "The TypeScript client (clients/typescript) needs Node.js and npm on the PATH, and none was found. $how" >&2
    exit 1
fi
if ! node -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)'; then
    echo "The TypeScript client (clients/typescript) needs Node.js 20.19 or newer; found $(node --version). $how" >&2
    exit 1
fi
echo "Node.js $(node --version), npm $(npm --version)"
