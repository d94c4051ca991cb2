// Extends the scaffolded build (.config/ stays as @grafana/create-plugin writes it), as Grafana's
// "extend the webpack config" guide describes.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

const config = async (env: Env): Promise<Configuration> =>
  merge(await grafanaConfig(env), {
    plugins: [
      // The nested datasource's logos sit beside its own plugin.json; the scaffold copies only the app's.
      new CopyWebpackPlugin({
        patterns: [
          { from: 'datasource/img', to: 'datasource/img' },
          // The topology layout's Web Worker, as elkjs ships it: loaded from the public path (src/components/topology/layout.ts).
          { from: '../node_modules/elkjs/lib/elk-worker.min.js', to: 'elk-worker.min.js' },
        ],
      }),
    ],
  });

export default config;
