"""The centre's own pages: visiting, the centre, terms, returns, privacy, contact; sitemap."""
