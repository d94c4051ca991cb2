import { Link } from 'react-router-dom';
import { config } from '@grafana/runtime';

export function HomePage() {
  return (
    <section>
      <h1>KubeAtlas sandbox</h1>
      <p>The built plugin (dist/) hosted the way Grafana {config.buildInfo.version} hosts it.</p>
      <ul>
        {Object.keys(config.apps).map((appId) => (
          <li key={appId}>
            <Link to={`/a/${appId}`}>{appId}</Link> · <Link to={`/plugins/${appId}`}>configuration</Link>
          </li>
        ))}
        {Object.values(config.datasources).map((ds) => (
          <li key={ds.uid}>
            {ds.name} ({ds.type}): <Link to={`/connections/datasources/edit/${ds.uid}`}>settings</Link> ·{' '}
            <Link to={`/sandbox/query/${ds.uid}`}>query</Link> ·{' '}
            <Link to={`/sandbox/variables/${ds.uid}`}>variable query</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
