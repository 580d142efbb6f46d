import type { Banner } from '../hooks/useErrorBanners';
import { Icon } from './Icon';
import { formatCount } from '../mail/format';

export function ErrorBanners({ banners, onDismiss }: { banners: Banner[]; onDismiss(key: string): void }) {
  if (banners.length === 0) return null;
  return (
    <div className="banners">
      {banners.map((banner) => (
        <div key={banner.key} className="banner error" role="alert">
          <Icon name="alert" size={16} />
          <span className="banner-text">
            <strong>{banner.title}</strong>
            {banner.detail && <span className="banner-detail"> {banner.detail}</span>}
            {banner.count > 1 && <span className="banner-count"> ({formatCount(banner.count)}×)</span>}
          </span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(banner.key)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
