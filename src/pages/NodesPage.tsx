import React from 'react';
import { PluginPage } from '@grafana/runtime';

export default function NodesPage() {
  return <PluginPage>{null}</PluginPage>;
}
