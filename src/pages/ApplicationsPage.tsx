import React from 'react';
import { PluginPage } from '@grafana/runtime';

export default function ApplicationsPage() {
  return <PluginPage>{null}</PluginPage>;
}
