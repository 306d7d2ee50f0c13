# The layout and what every page shares.
lang-name = English
skip-to-content = Skip to content
brand-tagline = American small businesses, delivered to China
nav-label = Main
nav-home = Home
nav-cart = Cart
nav-orders = My orders
nav-identity = My identity
nav-login = Sign in
nav-signup = Create an account
nav-logout = Sign out
search-label = Search products
search-placeholder = Honey, maple syrup, jerky…
search-button = Search
footer-about = Gateway connects small businesses and farms in the United States with shoppers in mainland China, within China's cross-border e-commerce rules.
footer-prices = Prices are in yuan (CNY) and include freight, import VAT, consumption tax and duty.
price-tax-included = tax included
price-unavailable = Price not available yet
grams = { $grams } g
unit-g = g
unit-ml = ml
unit-piece = pieces
country-US = United States
country-other = other country

# A form control that may be left blank, beside its label.
form-optional = (optional)
