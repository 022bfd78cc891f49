def test_robots_txt_lets_crawlers_in_points_at_the_sitemap_and_keeps_them_out_of_the_admin(client, settings, db):
    settings.SITE_URL = "https://stopshotspotter.example"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: https://stopshotspotter.example/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200
