-- tb_house_count as it should be: the listings recounted, grouped as
-- 007_listing_counts.sql keeps them. tools/listing-counts.sh compares the
-- kept counts with it (check) and builds them afresh from it (rebuild);
-- tests/listing_search.sh checks the triggers against it.
CREATE OR REPLACE VIEW v_house_count_recount AS
  SELECT 0 AS level, 0 AS distid, typeid, zf_price_band(price) AS priceband, zf_area_band(area) AS areaband,
         COUNT(*) AS listings
    FROM tb_house_info GROUP BY typeid, zf_price_band(price), zf_area_band(area)
  UNION ALL
  SELECT 2, distid2, typeid, zf_price_band(price), zf_area_band(area), COUNT(*)
    FROM tb_house_info GROUP BY distid2, typeid, zf_price_band(price), zf_area_band(area)
  UNION ALL
  SELECT 3, distid3, typeid, zf_price_band(price), zf_area_band(area), COUNT(*)
    FROM tb_house_info GROUP BY distid3, typeid, zf_price_band(price), zf_area_band(area);
