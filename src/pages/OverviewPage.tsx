import React from 'react';
import { PluginPage } from '@grafana/runtime';

export default function OverviewPage() {
  return <PluginPage>{null}</PluginPage>;
}
