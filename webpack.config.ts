/**
 * The build: create-plugin's webpack config (.config/, never edited here), extended as its guide says
 * (https://grafana.com/developers/plugin-tools/how-to-guides/extend-configurations#extend-the-webpack-config).
 *
 * What it adds: the nested panel's logo inside the panel's own folder. Grafana resolves a plugin's logos against
 * that plugin's base URL, and serves the nested panel under its own id (`public/plugins/aisre-impact-panel/`) as
 * well as under the app (pkg/plugins/manager/loader/assetpath/assetpath.go): a path out of the folder
 * (`../../img/logo.svg`) would name a file outside any plugin.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { type Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

export default async function config(env: Env): Promise<Configuration> {
  const base = await grafanaConfig(env);
  return {
    ...base,
    plugins: [
      ...(base.plugins ?? []),
      new CopyWebpackPlugin({ patterns: [{ from: 'img/logo.svg', to: 'panels/impact/img/logo.svg' }] }),
    ],
  };
}
