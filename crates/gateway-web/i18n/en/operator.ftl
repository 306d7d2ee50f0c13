# The operator console (/operator/…): platform staff, English by default.
nav-operator = Operator console
error-operators-only = Only Gateway's operators may open the console. Sign in with an operator account.
op-nav-label = Operator console
op-nav-overview = Overview
op-nav-merchants = Merchants
op-nav-orders = Orders
op-nav-fx = Exchange rate
op-nav-tax = Tax classes
op-nav-freight = Freight
op-yes = Yes
op-no = No
op-save = Save
op-edit = Edit
op-change = Change
op-more = More
op-set-at = Set { $at }
op-status-other = Other
# Overview
op-overview-title = Operator console
op-overview-merchants = Merchants
op-overview-pending = { $count ->
    [one] 1 merchant is waiting for approval.
   *[other] { $count } merchants are waiting for approval.
}
op-overview-none-pending = No merchant is waiting for approval.
op-overview-review = Review merchants
op-overview-orders = Orders
op-overview-all-orders = All orders
# Merchants
op-merchants-title = Merchants
op-merchants-by-status = Merchants by status
op-merchants-none = No merchant is in this state.
op-merchants-none-pending = No merchant is waiting for approval.
op-merchants-pending-hint = Oldest first. Approve a business once its profile is plausible and, for food, its GACC registration number is given; its products go on sale at once.
op-merchants-back = All merchants
op-merchant-status = Status
op-merchant-legal-name = Legal name
op-merchant-kind = Kind
op-merchant-place = Location
op-merchant-employees = Employees at sign-up
op-merchant-exported = Exported before
op-merchant-fulfilment = Fulfilment
op-merchant-food-registration = GACC food registration
op-merchant-no-registration = None
op-merchant-signed-up = Signed up
op-merchant-products = Products
op-merchant-no-products = No products yet.
op-merchant-more-products = Only the first 50 products are shown.
op-merchant-orders = Latest orders
op-merchant-status-pending = Awaiting approval
op-merchant-status-active = Active
op-merchant-status-rejected = Rejected
op-merchant-status-suspended = Suspended
op-kind-farm = Farm
op-kind-manufacturer = Manufacturer
op-kind-brand = Brand
op-kind-retailer = Retailer
op-fulfilment-direct_mail = Direct mail (customs mode 9610)
op-fulfilment-bonded = Bonded warehouse (customs mode 1210)
op-action-approve = Approve
op-action-reject = Reject
op-action-suspend = Suspend
op-action-reinstate = Reinstate
op-action-other = Act
op-done-approve = Approved. The merchant may sell now; its listed products are on sale.
op-done-reject = Rejected. The merchant cannot sell.
op-done-suspend = Suspended. The merchant's products are off sale until it is reinstated.
op-done-reinstate = Reinstated. The merchant's listed products are on sale again.
op-done-other = Done.
op-err-merchant-transition = This merchant's status has changed in the meantime (perhaps another operator acted); the decision was not applied. Its current status is shown below.
op-product-sku = SKU
op-product-title = Product
op-product-class = Tax class
op-product-price = Price
op-product-stock = Stock
op-product-status = Status
op-product-status-listed = Listed
op-product-status-blocked = Blocked
op-product-status-delisted = Withdrawn
op-listing-not_on_positive_list = Its tax class is not on the CBEC positive list.
op-listing-hs_not_on_positive_list = Its HS code is not on the positive list.
op-listing-hs_class_mismatch = Its HS code is filed under another tax class on the positive list.
op-listing-bonded_only = Bonded-only goods, and the merchant ships by direct mail.
op-listing-food_registration_missing = Food: the merchant has no GACC registration number.
op-listing-other = Fails the listing check.
# Exchange rate
op-fx-title = Exchange rate
op-fx-current = 1 USD = { $rate } CNY
op-fx-none = No exchange rate is set: the storefront shows no prices and nothing can be bought until one is.
op-fx-explain = Every price on the storefront is converted at this rate, rounded half up to the fen. Orders keep the rate they were priced at.
op-fx-rate = New rate (CNY per USD)
op-fx-rate-hint = Up to six decimals, for example 7.1234.
op-fx-set = Set the rate
op-fx-saved = The new rate is in force.
# Tax classes
op-tax-title = Tax classes
op-tax-intro = The rates of China's cross-border e-commerce tax per class of goods. Saving a class runs the listing check of all its products again at once.
op-tax-class = Class
op-tax-vat-short = VAT
op-tax-ct-short = Consumption tax
op-tax-threshold-short = CT threshold (CNY)
op-tax-duty-short = MFN duty
op-tax-food-short = Food
op-tax-positive-short = Positive list
op-tax-threshold-value = { $per_g } per g/ml, { $per_piece } per piece
op-tax-duty-note = MFN duty rates are demonstration values per class (real duty depends on the 8-digit tariff line); they apply only to the full-tax case of a single item above 5,000 CNY.
op-tax-saved = Saved { $class }. { $changed ->
    [0] No product's listing changed.
    [one] 1 product's listing changed.
   *[other] { $changed } products' listings changed.
}
op-tax-edit-title = Edit { $class }
op-tax-back = All tax classes
op-tax-name-en = Name in English
op-tax-name-zh = Name in Chinese
op-tax-vat = Import VAT (%)
op-tax-vat-hint = Statutory rate, for example 13 or 9. Within the CBEC limits 70% of it is charged.
op-tax-ct = Consumption tax (%)
op-tax-ct-hint = 0 when the class pays none; for example 15 for high-end cosmetics.
op-tax-threshold = Consumption-tax threshold
op-tax-threshold-hint = For high-end cosmetics: the consumption tax applies only at or above these dutiable values in yuan. Leave both empty when it always applies.
op-tax-threshold-g = Per g or ml (CNY)
op-tax-threshold-piece = Per piece (CNY)
op-tax-duty = MFN duty (%)
op-tax-duty-hint = Used only in the full-tax case.
op-tax-food = Food: the merchant needs a GACC overseas facility registration (Decree 248)
op-tax-positive = On the CBEC positive list (may be sold)
op-tax-positive-off-warning = Unticking this takes every product of the class off sale at once.
op-tax-positive-on-hint = Ticking this puts the class's products on sale again, where nothing else stops them.
# Freight
op-freight-title = Freight
op-freight-explain = Freight is charged per order (one merchant's part of a checkout) by its fulfilment mode. New prices apply to quotes at once; placed orders keep theirs.
op-freight-direct = Direct mail (customs mode 9610)
op-freight-first = First 500 g or less (CNY)
op-freight-first-hint = For example 40.00.
op-freight-further = Each further 500 g or part of it (CNY)
op-freight-further-hint = For example 20.00.
op-freight-bonded-legend = Bonded warehouse (customs mode 1210)
op-freight-bonded = Per order, any weight (CNY)
op-freight-bonded-hint = For example 10.00.
op-freight-saved = The new freight prices are in force.
op-freight-direct-summary = Direct mail: ¥{ $first } for the first 500 g, ¥{ $further } for each further 500 g.
op-freight-bonded-summary = Bonded warehouse: ¥{ $flat } per order.
# Orders
op-orders-title = Orders
op-orders-by-status = Orders by status
op-orders-all = All
op-orders-none = No orders yet.
op-orders-none-status = No order is in this state.
op-orders-older = Older orders
op-orders-back = All orders
op-order = Order
op-order-number = Order { $number }
op-order-placed = Placed
op-order-merchant = Merchant
op-order-status = Status
op-order-items = Items
op-order-total = Total
op-order-shipped = Shipped
op-order-delivered = Delivered
op-order-closed = Closed
op-order-carrier = Carrier and tracking number
op-order-not-shipped = Not shipped yet
op-order-regime = Tax regime
op-order-regime-cbec = Cross-border e-commerce (no duty, 70% of VAT and consumption tax)
op-order-regime-full = Full tax (a single item above 5,000 CNY)
op-order-fx = Exchange rate
op-order-weight = Shipping weight
op-order-ship-to = Ship to
op-order-payment = Payment
op-order-buyer = Buyer account
op-order-id = Order id
op-order-qty = Qty
op-order-unit = Unit price
op-order-deliver = Confirm delivery
op-order-return = Record a return
op-order-actions-hint = Confirm delivery when the carrier reports it and the buyer cannot; record a return within 30 days of delivery (the payment is refunded and the buyer's quota restored).
op-order-done-deliver = Delivery confirmed.
op-order-done-return = Return recorded; the payment is refunded.
# Field messages of the console's forms.
err-field-rate = Enter the rate as a number above 0 with up to six decimals, such as 7.1234.
err-field-name-en = Enter a name of 1 to 120 characters.
err-field-name-zh = Enter a name of 1 to 120 characters.
err-field-vat_rate = Enter a percentage from 0 to 30 with up to four decimals, such as 13.
err-field-consumption_tax_rate = Enter a percentage from 0 to 60 with up to four decimals, such as 15.
err-field-mfn_duty_rate = Enter a percentage from 0 to 80 with up to four decimals, such as 15.
err-field-consumption_tax_threshold-per_g_or_ml = Enter an amount from 0 to 5000.00 yuan, or leave both thresholds empty.
err-field-consumption_tax_threshold-per_piece = Enter an amount from 0 to 5000.00 yuan, or leave both thresholds empty.
err-field-direct_first_500g = Enter an amount from 0 to 1000.00 yuan, such as 40.00.
err-field-direct_each_further_500g = Enter an amount from 0 to 1000.00 yuan, such as 20.00.
err-field-bonded_flat = Enter an amount from 0 to 1000.00 yuan, such as 10.00.
err-field-food = Say whether the class is food.
err-field-positive_list = Say whether the class is on the positive list.

# Positive list
op-nav-positive-list = Positive list
op-pl-title = CBEC positive list
op-pl-intro = Only goods on China's cross-border e-commerce positive list may be sold. Each line is an HS code prefix (a chapter, heading or tariff line); the longest prefix that matches a product's HS code decides its tax class and remarks. Every change re-runs the listing check of the products the line covers.
op-pl-prefix = HS prefix
op-pl-prefix-hint = 2 to 10 digits, e.g. 1701 (a heading) or 170199 (a subheading).
op-pl-description = Goods
op-pl-description-en = Goods, in English
op-pl-description-zh = Goods, in Chinese
op-pl-bonded-only = Bonded only
op-pl-bonded-only-label = Bonded warehouse only (refused for direct-mail merchants)
op-pl-cap = Yearly cap per buyer
op-pl-cap-hint = Grams one person may import in a calendar year (e.g. 2000 for sugar); leave blank for no cap.
op-pl-cap-value = { $grams } g a year
op-pl-remove = Remove
op-pl-edit-title = Add or replace a line
op-pl-edit-hint = A prefix that exists already is replaced.
op-pl-saved = Saved line { $prefix }; { $changed ->
    [one] 1 product's listing changed.
   *[other] { $changed } products' listings changed.
}
op-pl-removed = Removed line { $prefix }; { $changed ->
    [one] 1 product's listing changed.
   *[other] { $changed } products' listings changed.
}
err-field-hs_prefix = Enter 2 to 10 digits, such as 1701.
err-field-annual_cap_g = Enter a whole number of grams from 1 to 1000000, or leave it blank for no cap.
