-- The seeded tax-class table of SPEC 3. Rates in parts per million; thresholds in fen.
-- VAT and CT rates and the cosmetics thresholds are the law's (Cai Guan Shui [2016]
-- No. 18, [2018] No. 49); the MFN duty rates are demo values per class (real duty is
-- per 8-digit tariff line). The operator may edit the table.
INSERT INTO tax_classes (code, position, name_en, name_zh, vat_ppm, ct_ppm, ct_threshold_per_unit_fen, ct_threshold_per_piece_fen, mfn_duty_ppm, food, positive_list) VALUES
    ('agri',        1, 'Agricultural products (nuts, dried fruit, grains, honey, maple syrup)', '农产品（坚果、果干、谷物、蜂蜜、枫糖浆）', 90000, 0, NULL, NULL, 150000, TRUE, TRUE),
    ('food',        2, 'Food (snacks, sauces, coffee, supplements)', '食品（零食、酱料、咖啡、膳食补充剂）', 130000, 0, NULL, NULL, 150000, TRUE, TRUE),
    ('wine',        3, 'Wine and cider', '葡萄酒和苹果酒', 130000, 100000, NULL, NULL, 140000, TRUE, TRUE),
    ('cosmetics',   4, 'High-end cosmetics (skincare, make-up)', '高档化妆品（护肤品、彩妆）', 130000, 150000, 1000, 1500, 10000, FALSE, TRUE),
    ('apparel',     5, 'Apparel (clothing, shoes)', '服装鞋履', 130000, 0, NULL, NULL, 70000, FALSE, TRUE),
    ('household',   6, 'Household (kitchen, home, toys, sports)', '家居用品（厨房、家居、玩具、运动）', 130000, 0, NULL, NULL, 80000, FALSE, TRUE),
    ('electronics', 7, 'Small electronics', '小型电子产品', 130000, 0, NULL, NULL, 0, FALSE, TRUE),
    ('meat',        8, 'Fresh or frozen meat', '生鲜或冷冻肉类', 90000, 0, NULL, NULL, 120000, TRUE, FALSE);
