-- The CBEC positive list as data (SPEC 3, 7), the yearly weight caps per buyer that
-- some of its lines carry, and what each order charged to them. Kept column for column
-- in step with SQLite.

-- One line of the list: a prefix of the HS code (2 to 10 digits); the longest prefix
-- that matches a product's code decides. The operator edits it.
CREATE TABLE positive_list (
    hs_prefix TEXT PRIMARY KEY NOT NULL,
    tax_class TEXT NOT NULL REFERENCES tax_classes (code),
    bonded_only BOOLEAN NOT NULL,
    annual_cap_g BIGINT CHECK (annual_cap_g > 0),
    description_en TEXT NOT NULL,
    description_zh TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The cap the listing check found for a product (the deciding line's prefix and its
-- grams), kept with the verdict so that pricing a cart needs no lookup.
ALTER TABLE products ADD COLUMN annual_cap_prefix TEXT;
ALTER TABLE products ADD COLUMN annual_cap_g BIGINT;
CREATE INDEX products_hs_code ON products (hs_code);

-- Grams a person (by ID number) imported under a capped line in a calendar year.
CREATE TABLE annual_weight_usage (
    id_number_hash BYTEA NOT NULL,
    year BIGINT NOT NULL,
    hs_prefix TEXT NOT NULL,
    used_g BIGINT NOT NULL CHECK (used_g >= 0),
    PRIMARY KEY (id_number_hash, year, hs_prefix)
);

-- What an order charged to each cap, given back when it is cancelled or returned.
CREATE TABLE order_weight_charges (
    order_id UUID NOT NULL REFERENCES orders (id),
    hs_prefix TEXT NOT NULL,
    grams BIGINT NOT NULL CHECK (grams > 0),
    PRIMARY KEY (order_id, hs_prefix)
);

-- Seed lines, in the structure of the real list (MOF and others, 2019 edition, updated
-- 2022): HS headings and subheadings with the list's remarks. They cover the goods of
-- the seeded tax classes; like the classes' MFN duty rates they are demo values, and an
-- operator must check them against the list in force before selling. Meat (chapter 02)
-- is absent: its class is off the list. The 2 kg yearly cap on sugar and the
-- bonded-only milk powders show the two remarks the check enforces.
INSERT INTO positive_list (hs_prefix, tax_class, bonded_only, annual_cap_g, description_en, description_zh, updated_at) VALUES
    ('0402',   'food',        TRUE,  NULL, 'Milk and cream, concentrated (milk powders)', '浓缩乳及奶油（奶粉）', '2026-01-01 00:00:00+00'),
    ('0406',   'food',        FALSE, NULL, 'Cheese and curd', '乳酪及凝乳', '2026-01-01 00:00:00+00'),
    ('0409',   'agri',        FALSE, NULL, 'Natural honey', '天然蜂蜜', '2026-01-01 00:00:00+00'),
    ('0802',   'agri',        FALSE, NULL, 'Other nuts (almonds, walnuts, pecans, pistachios)', '其他坚果（杏仁、核桃、碧根果、开心果）', '2026-01-01 00:00:00+00'),
    ('0813',   'agri',        FALSE, NULL, 'Dried fruit', '干果', '2026-01-01 00:00:00+00'),
    ('0901',   'food',        FALSE, NULL, 'Coffee', '咖啡', '2026-01-01 00:00:00+00'),
    ('0902',   'food',        FALSE, NULL, 'Tea', '茶', '2026-01-01 00:00:00+00'),
    ('0910',   'food',        FALSE, NULL, 'Ginger, thyme, other spices and seasonings', '姜、百里香及其他调味香料', '2026-01-01 00:00:00+00'),
    ('1005',   'agri',        FALSE, NULL, 'Maize (corn), including popcorn', '玉米（含爆米花玉米）', '2026-01-01 00:00:00+00'),
    ('1006',   'agri',        FALSE, NULL, 'Rice', '稻谷、大米', '2026-01-01 00:00:00+00'),
    ('1008',   'agri',        FALSE, NULL, 'Other cereals (incl. wild rice, quinoa)', '其他谷物（含菰米、藜麦）', '2026-01-01 00:00:00+00'),
    ('1211',   'agri',        FALSE, NULL, 'Plants used in pharmacy (incl. ginseng)', '药用植物（含人参）', '2026-01-01 00:00:00+00'),
    ('1701',   'agri',        FALSE, 2000, 'Cane or beet sugar', '蔗糖或甜菜糖', '2026-01-01 00:00:00+00'),
    ('1702',   'agri',        FALSE, NULL, 'Other sugars, incl. maple sugar and maple syrup', '其他糖（含枫糖及枫糖浆）', '2026-01-01 00:00:00+00'),
    ('1806',   'food',        FALSE, NULL, 'Chocolate and other food containing cocoa', '巧克力及其他含可可食品', '2026-01-01 00:00:00+00'),
    ('1904',   'food',        FALSE, NULL, 'Prepared foods from swelled or roasted cereals (incl. popcorn)', '膨化或焙炒谷物制品（含爆米花）', '2026-01-01 00:00:00+00'),
    ('1905',   'food',        FALSE, NULL, 'Bread, biscuits, other bakers'' wares', '面包、饼干及其他烘焙糕点', '2026-01-01 00:00:00+00'),
    ('2008',   'food',        FALSE, NULL, 'Fruit, nuts, otherwise prepared or preserved', '用其他方法制作或保藏的水果、坚果', '2026-01-01 00:00:00+00'),
    ('2009',   'food',        FALSE, NULL, 'Fruit and vegetable juices', '水果汁及蔬菜汁', '2026-01-01 00:00:00+00'),
    ('2103',   'food',        FALSE, NULL, 'Sauces, condiments and seasonings', '调味汁及调味品', '2026-01-01 00:00:00+00'),
    ('2106',   'food',        FALSE, NULL, 'Food preparations not elsewhere specified (incl. supplements)', '其他税号未列名的食品（含膳食补充剂）', '2026-01-01 00:00:00+00'),
    ('2204',   'wine',        FALSE, NULL, 'Wine of fresh grapes', '鲜葡萄酿造的酒', '2026-01-01 00:00:00+00'),
    ('2206',   'wine',        FALSE, NULL, 'Other fermented beverages (cider, perry, mead)', '其他发酵饮料（苹果酒、梨酒、蜂蜜酒）', '2026-01-01 00:00:00+00'),
    ('3303',   'cosmetics',   FALSE, NULL, 'Perfumes and toilet waters', '香水及花露水', '2026-01-01 00:00:00+00'),
    ('3304',   'cosmetics',   FALSE, NULL, 'Beauty, make-up and skin-care preparations', '美容品、化妆品及护肤品', '2026-01-01 00:00:00+00'),
    ('3305',   'cosmetics',   FALSE, NULL, 'Preparations for use on the hair', '护发品', '2026-01-01 00:00:00+00'),
    ('420310', 'apparel',     FALSE, NULL, 'Articles of apparel of leather', '皮革制衣服', '2026-01-01 00:00:00+00'),
    ('420321', 'household',   FALSE, NULL, 'Gloves specially designed for sports', '专供运动用的手套', '2026-01-01 00:00:00+00'),
    ('4419',   'household',   FALSE, NULL, 'Tableware and kitchenware of wood', '木制餐具及厨房用具', '2026-01-01 00:00:00+00'),
    ('61',     'apparel',     FALSE, NULL, 'Apparel, knitted or crocheted', '针织或钩编的服装', '2026-01-01 00:00:00+00'),
    ('62',     'apparel',     FALSE, NULL, 'Apparel, not knitted or crocheted', '非针织或非钩编的服装', '2026-01-01 00:00:00+00'),
    ('6301',   'household',   FALSE, NULL, 'Blankets and travelling rugs', '毯子及旅行毯', '2026-01-01 00:00:00+00'),
    ('6302',   'household',   FALSE, NULL, 'Bed, table, toilet and kitchen linen', '床上、餐桌、盥洗及厨房用织物', '2026-01-01 00:00:00+00'),
    ('64',     'apparel',     FALSE, NULL, 'Footwear', '鞋靴', '2026-01-01 00:00:00+00'),
    ('6505',   'apparel',     FALSE, NULL, 'Hats and other headgear, knitted', '针织帽类', '2026-01-01 00:00:00+00'),
    ('6911',   'household',   FALSE, NULL, 'Tableware and kitchenware of porcelain', '瓷餐具及厨房器具', '2026-01-01 00:00:00+00'),
    ('6912',   'household',   FALSE, NULL, 'Tableware and kitchenware of other ceramics (stoneware mugs)', '陶餐具及厨房器具（炻器杯）', '2026-01-01 00:00:00+00'),
    ('7013',   'household',   FALSE, NULL, 'Glassware for table and kitchen', '玻璃餐具及厨房器具', '2026-01-01 00:00:00+00'),
    ('7321',   'household',   FALSE, NULL, 'Cooking appliances of iron or steel (non-electric)', '钢铁制非电热炊事器具', '2026-01-01 00:00:00+00'),
    ('7323',   'household',   FALSE, NULL, 'Table and kitchen articles of iron or steel (incl. cast-iron pans)', '钢铁制餐桌及厨房用具（含铸铁锅）', '2026-01-01 00:00:00+00'),
    ('8211',   'household',   FALSE, NULL, 'Knives with cutting blades', '有刃口的刀', '2026-01-01 00:00:00+00'),
    ('8471',   'electronics', FALSE, NULL, 'Portable computers and tablets', '便携式计算机及平板电脑', '2026-01-01 00:00:00+00'),
    ('8509',   'electronics', FALSE, NULL, 'Electro-mechanical domestic appliances', '家用电动器具', '2026-01-01 00:00:00+00'),
    ('8512',   'electronics', FALSE, NULL, 'Electrical lighting for cycles and vehicles', '自行车及车辆用电气照明装置', '2026-01-01 00:00:00+00'),
    ('8516',   'electronics', FALSE, NULL, 'Hair dryers, irons and other electro-thermic appliances', '电吹风、电熨斗及其他电热器具', '2026-01-01 00:00:00+00'),
    ('8517',   'electronics', FALSE, NULL, 'Telephones and other apparatus for voice or data', '电话机及其他语音或数据通信设备', '2026-01-01 00:00:00+00'),
    ('8518',   'electronics', FALSE, NULL, 'Headphones, earphones and loudspeakers', '耳机及扬声器', '2026-01-01 00:00:00+00'),
    ('8527',   'electronics', FALSE, NULL, 'Radio receivers', '无线电广播接收设备', '2026-01-01 00:00:00+00'),
    ('9503',   'household',   FALSE, NULL, 'Toys', '玩具', '2026-01-01 00:00:00+00'),
    ('9506',   'household',   FALSE, NULL, 'Articles and equipment for sports and outdoor games', '体育及户外游戏用品', '2026-01-01 00:00:00+00');
