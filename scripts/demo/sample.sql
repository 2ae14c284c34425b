-- demo_shop: a small web shop for the first end-to-end run (about 1.1 million rows, loads in well under a minute).
-- Related tables with varied types: unsigned and signed integers, decimals, DOUBLE, DATETIME(3/6), TIMESTAMP,
-- DATE, JSON, ENUM, BOOLEAN, utf8mb4 text (accents, Cyrillic, CJK, emoji), binary; and page_views, which has no
-- primary key (the demo job names its key columns: "keys": {"demo_shop.page_views": ["session_id", "seq_no"]}).
-- Every value is computed from MariaDB's seq_1_to_N sequence tables, so each load is identical.
--
--   mariadb -h 127.0.0.1 -P 13306 -u serverless -pserverless < scripts/demo/sample.sql

SET NAMES utf8mb4;
SET time_zone = '+00:00';
SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';
SET SESSION foreign_key_checks = 0, unique_checks = 0;

DROP DATABASE IF EXISTS demo_shop;
CREATE DATABASE demo_shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE demo_shop;

CREATE TABLE customers (
  id           INT UNSIGNED  NOT NULL PRIMARY KEY,
  email        VARCHAR(120)  NOT NULL,
  full_name    VARCHAR(100)  NOT NULL,
  country      CHAR(2)       NOT NULL,
  signed_up_at DATETIME(3)   NOT NULL,
  birthday     DATE          NULL,
  loyalty      ENUM('none', 'silver', 'gold', 'platinum') NOT NULL DEFAULT 'none',
  credit       DECIMAL(12,2) NOT NULL DEFAULT 0,
  is_active    BOOLEAN       NOT NULL DEFAULT TRUE,
  preferences  JSON          NULL,
  UNIQUE KEY uq_customers_email (email)
) ENGINE = InnoDB;

CREATE TABLE products (
  id          INT           NOT NULL PRIMARY KEY,
  sku         VARCHAR(32)   NOT NULL,
  name        VARCHAR(200)  NOT NULL,
  category    ENUM('books', 'garden', 'kitchen', 'toys', 'tools', 'music') NOT NULL,
  price       DECIMAL(10,2) NOT NULL,
  weight_kg   DOUBLE        NULL,
  attributes  JSON          NULL,
  description TEXT          NULL,
  created_at  TIMESTAMP     NOT NULL DEFAULT '2020-01-01 00:00:00',
  UNIQUE KEY uq_products_sku (sku)
) ENGINE = InnoDB;

CREATE TABLE orders (
  id          BIGINT        NOT NULL PRIMARY KEY,
  customer_id INT UNSIGNED  NOT NULL,
  status      ENUM('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'returned') NOT NULL,
  ordered_at  DATETIME      NOT NULL,
  shipped_at  DATETIME      NULL,
  total       DECIMAL(14,2) NOT NULL,
  currency    CHAR(3)       NOT NULL,
  note        VARCHAR(255)  NULL,
  KEY ix_orders_customer (customer_id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB;

CREATE TABLE order_items (
  order_id   BIGINT            NOT NULL,
  line_no    TINYINT UNSIGNED  NOT NULL,
  product_id INT               NOT NULL,
  quantity   SMALLINT UNSIGNED NOT NULL,
  unit_price DECIMAL(10,2)     NOT NULL,
  discount   DECIMAL(5,4)      NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, line_no),
  KEY ix_order_items_product (product_id),
  CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE = InnoDB;

-- No primary key and no unique key: a click stream as many applications log it.
CREATE TABLE page_views (
  session_id  BIGINT        NOT NULL,
  seq_no      INT           NOT NULL,
  customer_id INT UNSIGNED  NULL,
  url         VARCHAR(300)  NOT NULL,
  viewed_at   DATETIME(6)   NOT NULL,
  duration_ms INT           NULL,
  client_hash BINARY(16)    NULL
) ENGINE = InnoDB;

INSERT INTO customers
SELECT
  seq,
  CONCAT('customer', seq, '@', ELT(1 + seq % 4, 'example.com', 'example.org', 'exämple.de', 'пример.рф')),
  CONCAT(
    ELT(1 + seq % 12, 'Ana', 'Björn', 'Chloé', 'Dmitri', 'Émile', 'Fatima', 'Giulia', 'Hiroshi', 'Ingrid', 'Jürgen', '美咲', 'Zoë'), ' ',
    ELT(1 + (seq DIV 12) % 10, 'García', 'Müller', 'Nguyễn', 'O''Brien', 'Petrov', 'Quispe', 'Rossi', 'Søndergaard', '田中', 'Łukasiewicz'),
    IF(seq % 97 = 0, ' 🛒', '')),
  ELT(1 + seq % 8, 'US', 'DE', 'FR', 'JP', 'BR', 'IN', 'SE', 'PL'),
  TIMESTAMP('2019-01-01') + INTERVAL (seq * 317) SECOND + INTERVAL (seq % 1000) * 1000 MICROSECOND,
  IF(seq % 9 = 0, NULL, DATE('1950-01-01') + INTERVAL (seq * 7) % 20000 DAY),
  ELT(1 + (seq * 13) % 10, 'none', 'none', 'none', 'none', 'silver', 'silver', 'silver', 'gold', 'gold', 'platinum'),
  ((seq * 7919) % 100000) / 100 - 100,
  seq % 23 <> 0,
  IF(seq % 3 = 0, NULL, JSON_OBJECT('newsletter', seq % 2 = 0, 'language', ELT(1 + seq % 5, 'en', 'de', 'fr', 'ja', 'pt'), 'topics', JSON_ARRAY(ELT(1 + seq % 6, 'books', 'garden', 'kitchen', 'toys', 'tools', 'music'))))
FROM seq_1_to_100000;

INSERT INTO products
SELECT
  seq,
  CONCAT('SKU-', LPAD(seq, 6, '0')),
  CONCAT(ELT(1 + seq % 6, 'Handbook', 'Planter', 'Chef''s knife', 'Puzzle', 'Screwdriver set', 'Vinyl record'), ' #', seq, IF(seq % 50 = 0, ' ✨ limited', '')),
  ELT(1 + seq % 6, 'books', 'garden', 'kitchen', 'toys', 'tools', 'music'),
  ((seq * 104729) % 50000) / 100 + 0.99,
  IF(seq % 10 = 0, NULL, ((seq * 31) % 5000) / 1000.0 + 0.125),
  JSON_OBJECT('color', ELT(1 + seq % 5, 'red', 'green', 'blue', 'black', 'white'), 'stock', (seq * 17) % 400),
  IF(seq % 4 = 0, NULL, CONCAT('Item ', seq, ': ', REPEAT(SUBSTRING(MD5(seq), 1, 16), 1 + seq % 6))),
  FROM_UNIXTIME(1577836800 + seq * 3607)
FROM seq_1_to_20000;

INSERT INTO orders
SELECT
  seq,
  1 + (seq * 7919) % 100000,
  ELT(1 + (seq * 11) % 20, 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered',
      'shipped', 'shipped', 'shipped', 'paid', 'paid', 'paid', 'placed', 'placed', 'cancelled', 'cancelled', 'returned', 'delivered'),
  TIMESTAMP('2021-01-01') + INTERVAL (seq * 379) SECOND,
  IF((seq * 11) % 20 BETWEEN 11 AND 17, NULL, TIMESTAMP('2021-01-01') + INTERVAL (seq * 379 + 86400 + (seq % 5) * 3600) SECOND),
  ((seq * 15485863) % 1000000) / 100 + 5,
  ELT(1 + seq % 4, 'USD', 'EUR', 'JPY', 'BRL'),
  IF(seq % 17 = 0, CONCAT('Gift wrap, please 🎁 (order ', seq, ')'), NULL)
FROM seq_1_to_250000;

-- 1 to 4 lines per order (about 625,000 rows).
INSERT INTO order_items
SELECT
  o.seq,
  l.seq,
  1 + (o.seq * 31 + l.seq * 7) % 20000,
  1 + (o.seq + l.seq) % 5,
  ((o.seq * 104729 + l.seq) % 50000) / 100 + 0.99,
  IF((o.seq + l.seq) % 7 = 0, 0.1500, 0)
FROM seq_1_to_250000 AS o
JOIN seq_1_to_4 AS l ON l.seq <= 1 + (o.seq * 7) % 4;

-- 10 views per session, 10,000 sessions.
INSERT INTO page_views
SELECT
  900000000000 + seq DIV 10,
  seq % 10,
  IF((seq DIV 10) % 3 = 0, NULL, 1 + ((seq DIV 10) * 7919) % 100000),
  CONCAT('https://shop.example.com/', ELT(1 + seq % 5, 'products/', 'cart', 'search?q=', 'checkout', 'products/'), IF(seq % 5 IN (0, 4), (seq * 13) % 20000, IF(seq % 5 = 2, ELT(1 + seq % 3, 'knife', 'garten+schlauch', '本'), ''))),
  TIMESTAMP('2024-06-01') + INTERVAL (seq DIV 10) * 600 SECOND + INTERVAL (seq % 10) * 23 SECOND + INTERVAL (seq % 1000000) MICROSECOND,
  IF(seq % 8 = 0, NULL, 200 + (seq * 37) % 60000),
  IF(seq % 2 = 0, UNHEX(MD5(CONCAT('client', seq DIV 10))), NULL)
FROM seq_0_to_99999;

SET SESSION foreign_key_checks = 1, unique_checks = 1;
ANALYZE TABLE customers, products, orders, order_items, page_views;

SELECT 'customers' AS table_name, COUNT(*) AS row_count FROM customers
UNION ALL SELECT 'products', COUNT(*) FROM products
UNION ALL SELECT 'orders', COUNT(*) FROM orders
UNION ALL SELECT 'order_items', COUNT(*) FROM order_items
UNION ALL SELECT 'page_views', COUNT(*) FROM page_views;
