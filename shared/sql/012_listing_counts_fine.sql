-- Listing counts for any price and area bounds (GET /api/houseinfos/,
-- contract section 5), kept as the listings change, beside the search
-- form's bands of 007_listing_counts.sql.
--
-- Why: a search whose bounds are not the form's own (2300-4700 元,
-- 37-83 m²) was counted with COUNT(*) over the city's index: 30-75 ms for
-- 北京 or 深圳 at 1,000,000 listings, the search's p99. With the counts
-- below, such a count is the sum of the whole buckets inside the bounds plus
-- an exact COUNT(*) over only the edge buckets the bounds cut.
--
-- What is kept: listings per (level, district, price step, area step, type),
-- a joint grid, so joint price and area bounds are answered (1-D counts per
-- dimension cannot be combined into a joint count). Levels 0 (every
-- listing, distid 0) and 2 (by city, distid = distid2) only: a county holds
-- at most a few ten thousand listings, whose COUNT(*) through its own index
-- is cheap, while its grid would hold almost a row per listing.
--   price step  zf_price_step: 100 元 wide below 10,000 元 (steps 0-99),
--               1,000 元 wide below 50,000 (steps 100-139), then one step
--               (140) for the rest. Step 0 also holds anything below 100.
--   area step   zf_area_step: 5 m² wide below 300 m² (steps 0-59), then one
--               step (60).
-- handlers/listings/search_plan.h (PriceStep, AreaStep) holds the same
-- steps: keep them in step.
--
-- How a count is made (handlers/listings/listings.cc): the bounds cut at
-- most two price steps and two area steps. The whole cells (a whole price
-- step and a whole area step) are summed here; the listings of a cut price
-- step are counted through the district's price index, read over that
-- step's part of the bounds only; the listings of a cut area step within the
-- whole price steps through the district's area index (idx_house_city_area,
-- idx_house_area: area, then price, inside the index). The parts are
-- disjoint and together are the bounds.
--
-- Sizes and costs, measured on 1,000,000 generated listings
-- (zufang-gen-listings --seed 1; 2 cores shared with other work):
--   rows       level 0: 9,537; level 2: 204,394 over 339 cities (北京 3,546,
--              the largest city 3,779); 8.5 MB. A county level would add
--              about as many rows as a county has listings: left out.
--   grid       北京's rows grouped by price step: 1.9 ms; level 0: 3.2 ms.
--   edges      北京, a cut price step (2303-2399 元) through
--              idx_house_city_price: 0.3 ms; a cut area step (37-39 m²)
--              within 2400-4599 元 through idx_house_city_area (3,984
--              entries, "Using index"): 1.6 ms; level 0, the same through
--              idx_house_price / idx_house_area: 2.1 / 4.8 ms.
--   against    COUNT(*) of 北京 with 2303-4697 元 and 37-83 m²: 12 ms
--              (30-75 ms under load); of the largest county: 1.2 ms.
--   migration  this file on 1,000,000 listings: 19.5 s (tools/migrate.sh).
-- Wider steps would mean fewer grid rows and longer edges; 100 元 and 5 m²
-- keep both within a few ms for the largest city.
--
-- Coherence as in 007: triggers on tb_house_info move the counts in the
-- writing transaction itself; TRUNCATE fires none (tools/listing-counts.sh
-- check | rebuild covers this table too).
--
-- This file builds the counts of the listings already there, after the
-- triggers exist: run it with listing writes stopped (as migrations are).

CREATE TABLE IF NOT EXISTS tb_house_count_fine (
  level     TINYINT NOT NULL,   -- 0: every listing; 2: by city
  distid    INT NOT NULL,       -- 0 (level 0) or distid2 (level 2)
  pricestep SMALLINT NOT NULL,  -- zf_price_step(price)
  areastep  SMALLINT NOT NULL,  -- zf_area_step(area)
  typeid    INT NOT NULL,
  listings  INT NOT NULL,
  -- price first: a price range reads only its steps' rows
  PRIMARY KEY (level, distid, pricestep, areastep, typeid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE OR REPLACE FUNCTION zf_price_step(v INT) RETURNS SMALLINT DETERMINISTIC NO SQL
  RETURN CASE
    WHEN v < 10000 THEN GREATEST(v, 0) DIV 100
    WHEN v < 50000 THEN 100 + (v - 10000) DIV 1000
    ELSE 140 END;

CREATE OR REPLACE FUNCTION zf_area_step(v INT) RETURNS SMALLINT DETERMINISTIC NO SQL
  RETURN LEAST(GREATEST(v, 0) DIV 5, 60);

DROP TRIGGER IF EXISTS tr_house_count_fine_insert;
DROP TRIGGER IF EXISTS tr_house_count_fine_update;
DROP TRIGGER IF EXISTS tr_house_count_fine_delete;

CREATE TRIGGER tr_house_count_fine_insert AFTER INSERT ON tb_house_info FOR EACH ROW
  INSERT INTO tb_house_count_fine (level, distid, pricestep, areastep, typeid, listings) VALUES
    (0, 0, zf_price_step(NEW.price), zf_area_step(NEW.area), NEW.typeid, 1),
    (2, NEW.distid2, zf_price_step(NEW.price), zf_area_step(NEW.area), NEW.typeid, 1)
  ON DUPLICATE KEY UPDATE listings = listings + 1;

CREATE TRIGGER tr_house_count_fine_delete AFTER DELETE ON tb_house_info FOR EACH ROW
  UPDATE tb_house_count_fine SET listings = listings - 1
  WHERE pricestep = zf_price_step(OLD.price) AND areastep = zf_area_step(OLD.area) AND typeid = OLD.typeid
    AND ((level = 0 AND distid = 0) OR (level = 2 AND distid = OLD.distid2));

-- Only a change of what is counted moves a count; old and new cells in one
-- statement (a cell both left and joined nets to no change).
DELIMITER ;;
CREATE TRIGGER tr_house_count_fine_update AFTER UPDATE ON tb_house_info FOR EACH ROW
BEGIN
  IF NOT (NEW.typeid <=> OLD.typeid AND NEW.distid2 <=> OLD.distid2
          AND zf_price_step(NEW.price) <=> zf_price_step(OLD.price)
          AND zf_area_step(NEW.area) <=> zf_area_step(OLD.area)) THEN
    INSERT INTO tb_house_count_fine (level, distid, pricestep, areastep, typeid, listings) VALUES
      (0, 0, zf_price_step(OLD.price), zf_area_step(OLD.area), OLD.typeid, -1),
      (2, OLD.distid2, zf_price_step(OLD.price), zf_area_step(OLD.area), OLD.typeid, -1),
      (0, 0, zf_price_step(NEW.price), zf_area_step(NEW.area), NEW.typeid, 1),
      (2, NEW.distid2, zf_price_step(NEW.price), zf_area_step(NEW.area), NEW.typeid, 1)
    ON DUPLICATE KEY UPDATE listings = listings + VALUES(listings);
  END IF;
END;;
DELIMITER ;

-- tb_house_count_fine as it should be (tools/listing-counts.sh check | rebuild).
CREATE OR REPLACE VIEW v_house_count_fine_recount AS
  SELECT 0 AS level, 0 AS distid, zf_price_step(price) AS pricestep, zf_area_step(area) AS areastep, typeid,
         COUNT(*) AS listings
    FROM tb_house_info GROUP BY zf_price_step(price), zf_area_step(area), typeid
  UNION ALL
  SELECT 2, distid2, zf_price_step(price), zf_area_step(area), typeid, COUNT(*)
    FROM tb_house_info GROUP BY distid2, zf_price_step(price), zf_area_step(area), typeid;

-- The listings already there.
DELETE FROM tb_house_count_fine;
INSERT INTO tb_house_count_fine (level, distid, pricestep, areastep, typeid, listings)
  SELECT level, distid, pricestep, areastep, typeid, listings FROM v_house_count_fine_recount;
