-- Listing counts kept as the listings change, so the count of a search-form
-- query costs a few hundred rows of this table instead of a walk over the
-- district's listings (GET /api/houseinfos/, contract section 5).
--
-- Why: a list answer carries its count, and counting 北京 (a quarter of a
-- million of 1,000,000 generated listings) walks a quarter of a million
-- index entries even when the index covers the query: 30-75 ms alone, and
-- 1 s and more while 32 searches share two cores. No index makes such a
-- COUNT cheap; a count kept per group of listings does.
--
-- What is kept: the number of listings per (district, type, price band,
-- area band), three times over: every listing (level 0, distid 0), by its
-- city (level 2, distid = distid2) and by its county (level 3, distid =
-- distid3). The bands are those of the search form: the bounds
--   price  0, 1000, 2000, 3000, 5000, 8000 (元)
--   area   0, 30, 50, 70, 90, 120 (m²)
-- cut the values into 13 bands, numbered by zf_band: 0 below the first
-- bound, 2i+1 exactly at bound i, 2i+2 between bounds i and i+1, 12 above
-- the last. An exact bound has a band of its own because the filters'
-- bounds are inclusive (price 2000 is in both 1000-2000 and 2000-3000).
--
-- Which counts it answers: a query whose filters are all kept here (no
-- title; a city, a county or no district; a type or none; each price and
-- area bound absent or one of the bounds above). Its count is the sum of
-- the rows of its level and district, its type if given, and the band
-- ranges [band(min), band(max)] (an absent bound: 0 or 12). The listings
-- group counts any other query with COUNT(*) (handlers/listings/listings.cc
-- holds the same bounds: keep them in step; tests/listing_search.sh compares
-- both counts for every pair of bounds).
--
-- Coherence: triggers on tb_house_info move the counts in the writing
-- transaction itself, so a count is never ahead of or behind the rows it
-- counts, for any writer (the handlers, zufang-gen-listings, a hand-made
-- INSERT). Concurrent writes to listings of the same group wait for each
-- other on its row (listings change rarely; reads take no locks); two
-- moves in opposite directions can deadlock, and the writers' transactions
-- (Db::Transaction) run a deadlock victim again. TRUNCATE fires no trigger:
-- after one, or any doubt, tools/listing-counts.sh check | rebuild.
--
-- This file builds the counts of the listings already there, after the
-- triggers exist: run it with listing writes stopped (as migrations are).

CREATE TABLE IF NOT EXISTS tb_house_count (
  level     TINYINT NOT NULL,  -- 0: every listing; 2: by city; 3: by county
  distid    INT NOT NULL,      -- 0 (level 0), distid2 (level 2) or distid3 (level 3)
  typeid    INT NOT NULL,
  priceband TINYINT NOT NULL,  -- zf_price_band(price)
  areaband  TINYINT NOT NULL,  -- zf_area_band(area)
  listings  INT NOT NULL,
  PRIMARY KEY (level, distid, typeid, priceband, areaband)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The band of v among the bounds b0 < b1 < … < b5 (see above).
CREATE OR REPLACE FUNCTION zf_band(v DOUBLE, b0 INT, b1 INT, b2 INT, b3 INT, b4 INT, b5 INT)
  RETURNS TINYINT DETERMINISTIC NO SQL
  RETURN CASE
    WHEN v < b0 THEN 0 WHEN v = b0 THEN 1
    WHEN v < b1 THEN 2 WHEN v = b1 THEN 3
    WHEN v < b2 THEN 4 WHEN v = b2 THEN 5
    WHEN v < b3 THEN 6 WHEN v = b3 THEN 7
    WHEN v < b4 THEN 8 WHEN v = b4 THEN 9
    WHEN v < b5 THEN 10 WHEN v = b5 THEN 11
    ELSE 12 END;

CREATE OR REPLACE FUNCTION zf_price_band(v DOUBLE) RETURNS TINYINT DETERMINISTIC NO SQL
  RETURN zf_band(v, 0, 1000, 2000, 3000, 5000, 8000);

CREATE OR REPLACE FUNCTION zf_area_band(v DOUBLE) RETURNS TINYINT DETERMINISTIC NO SQL
  RETURN zf_band(v, 0, 30, 50, 70, 90, 120);

DROP TRIGGER IF EXISTS tr_house_count_insert;
DROP TRIGGER IF EXISTS tr_house_count_update;
DROP TRIGGER IF EXISTS tr_house_count_delete;

CREATE TRIGGER tr_house_count_insert AFTER INSERT ON tb_house_info FOR EACH ROW
  INSERT INTO tb_house_count (level, distid, typeid, priceband, areaband, listings) VALUES
    (0, 0, NEW.typeid, zf_price_band(NEW.price), zf_area_band(NEW.area), 1),
    (2, NEW.distid2, NEW.typeid, zf_price_band(NEW.price), zf_area_band(NEW.area), 1),
    (3, NEW.distid3, NEW.typeid, zf_price_band(NEW.price), zf_area_band(NEW.area), 1)
  ON DUPLICATE KEY UPDATE listings = listings + 1;

CREATE TRIGGER tr_house_count_delete AFTER DELETE ON tb_house_info FOR EACH ROW
  UPDATE tb_house_count SET listings = listings - 1
  WHERE typeid = OLD.typeid AND priceband = zf_price_band(OLD.price) AND areaband = zf_area_band(OLD.area)
    AND ((level = 0 AND distid = 0) OR (level = 2 AND distid = OLD.distid2) OR (level = 3 AND distid = OLD.distid3));

-- Only a change of what is counted moves a count (a title edit locks nothing
-- here). Old and new groups in one statement: a group both left and joined
-- nets to no change.
DELIMITER ;;
CREATE TRIGGER tr_house_count_update AFTER UPDATE ON tb_house_info FOR EACH ROW
BEGIN
  IF NOT (NEW.typeid <=> OLD.typeid AND NEW.distid2 <=> OLD.distid2 AND NEW.distid3 <=> OLD.distid3
          AND zf_price_band(NEW.price) <=> zf_price_band(OLD.price)
          AND zf_area_band(NEW.area) <=> zf_area_band(OLD.area)) THEN
    INSERT INTO tb_house_count (level, distid, typeid, priceband, areaband, listings) VALUES
      (0, 0, OLD.typeid, zf_price_band(OLD.price), zf_area_band(OLD.area), -1),
      (2, OLD.distid2, OLD.typeid, zf_price_band(OLD.price), zf_area_band(OLD.area), -1),
      (3, OLD.distid3, OLD.typeid, zf_price_band(OLD.price), zf_area_band(OLD.area), -1),
      (0, 0, NEW.typeid, zf_price_band(NEW.price), zf_area_band(NEW.area), 1),
      (2, NEW.distid2, NEW.typeid, zf_price_band(NEW.price), zf_area_band(NEW.area), 1),
      (3, NEW.distid3, NEW.typeid, zf_price_band(NEW.price), zf_area_band(NEW.area), 1)
    ON DUPLICATE KEY UPDATE listings = listings + VALUES(listings);
  END IF;
END;;
DELIMITER ;

-- The listings already there (a new database has none: the demo data is
-- loaded after the migrations, through the triggers).
DELETE FROM tb_house_count;
INSERT INTO tb_house_count (level, distid, typeid, priceband, areaband, listings)
  SELECT 0, 0, typeid, zf_price_band(price), zf_area_band(area), COUNT(*) FROM tb_house_info
  GROUP BY typeid, zf_price_band(price), zf_area_band(area);
INSERT INTO tb_house_count (level, distid, typeid, priceband, areaband, listings)
  SELECT 2, distid2, typeid, zf_price_band(price), zf_area_band(area), COUNT(*) FROM tb_house_info
  GROUP BY distid2, typeid, zf_price_band(price), zf_area_band(area);
INSERT INTO tb_house_count (level, distid, typeid, priceband, areaband, listings)
  SELECT 3, distid3, typeid, zf_price_band(price), zf_area_band(area), COUNT(*) FROM tb_house_info
  GROUP BY distid3, typeid, zf_price_band(price), zf_area_band(area);
