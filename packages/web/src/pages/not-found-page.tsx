import { Link } from 'react-router';
import { PageHeader } from '../components/page-header';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p className="muted">
        Nothing lives at this address. <Link to="/">Go to the console home</Link>.
      </p>
    </>
  );
}
