-- A live workload against demo_shop for `./run demo`, run after the snapshot while the job streams: 200 transactions,
-- about 20 ms apart, each inserting ten orders with one line each and five page views, updating ten orders and a
-- customer, and deleting an order with its lines and a page view (about 8,000 row changes in all). New keys start above
-- the highest existing ones, so the workload can run again on the same database. Halfway, a DDL adds a column to
-- customers (IF NOT EXISTS, so a second run changes nothing) and later rounds fill it: the writers evolve the lake table
-- in order with the rows around it. Run it with the database as the default one.
DELIMITER //
BEGIN NOT ATOMIC
  DECLARE base BIGINT;
  DECLARE session BIGINT;
  FOR i IN 1..200 DO
    START TRANSACTION;
    SELECT COALESCE(MAX(id), 0) INTO base FROM orders;
    SET session = 1000000000000 + base;
    INSERT INTO orders (id, customer_id, status, ordered_at, shipped_at, total, currency, note)
      SELECT base + seq, 1 + (base + seq) % 100000, 'placed', NOW(), NULL, 10 + seq, 'EUR', CONCAT('live order ', i) FROM seq_1_to_10;
    INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price, discount)
      SELECT base + seq, 1, 1 + (seq * 7919) % 20000, 1 + seq % 3, 9.99, 0.0500 FROM seq_1_to_10;
    UPDATE orders SET status = 'paid', total = total + 1, note = CONCAT('paid in round ', i) WHERE id BETWEEN base - 14 AND base - 5;
    IF i = 100 THEN
      COMMIT;
      ALTER TABLE customers ADD COLUMN IF NOT EXISTS referral VARCHAR(16) NULL AFTER loyalty;
      START TRANSACTION;
    END IF;
    IF i >= 100 THEN
      UPDATE customers SET credit = credit + 1.50, loyalty = 'gold', referral = CONCAT('ref-', i) WHERE id = 1 + (i * 37) % 100000;
    ELSE
      UPDATE customers SET credit = credit + 1.50, loyalty = 'gold' WHERE id = 1 + (i * 37) % 100000;
    END IF;
    DELETE FROM order_items WHERE order_id = 1 + (i * 911) % 250000;
    DELETE FROM orders WHERE id = 1 + (i * 911) % 250000;
    INSERT INTO page_views (session_id, seq_no, customer_id, url, viewed_at, duration_ms, client_hash)
      SELECT session, seq, NULL, CONCAT('/live/', i, '/', seq), NOW(6), seq * 10, NULL FROM seq_1_to_5;
    DELETE FROM page_views WHERE session_id = session AND seq_no = 5;
    COMMIT;
    DO SLEEP(0.02);
  END FOR;
END //
DELIMITER ;
