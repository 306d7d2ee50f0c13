# The results pages: /search, /class/{code}, /state/{code}.
search-heading = Results for “{ $query }”
search-all-heading = All products
search-class-heading = { $class }
search-state-heading = From { $state }
search-count = { $count ->
    [one] 1 product
   *[other] { $count } products
}
search-filters = Filter and sort
search-class = Category
search-any-class = All categories
search-state = Made in (US state)
search-any-state = All states
search-price = Product price (yuan)
search-price-hint = Filters on the product's own price, before freight and import tax; the large price on each card is the landed price, tax included.
search-min-price = From
search-max-price = To
search-sort = Sort by
search-sort-relevance = Best match
search-sort-price_asc = Product price, low to high
search-sort-price_desc = Product price, high to low
search-sort-newest = Newest
search-in-stock = In stock only
search-apply = Apply
search-clear = Clear
search-facets = Narrow by category and state
search-none = No products match these filters.
search-none-for = Nothing found for “{ $query }”.
search-none-hint = Try a shorter or more common word, such as “honey”, “maple syrup” or “ginseng”, or remove a filter. Or browse a category:
search-goods-price = Product ¥{ $price } before tax and freight
search-in-stock-label = In stock
search-pages = Pages
search-prev = Previous
search-next = Next
search-page-of = Page { $page } of { $pages }
err-field-q = Use at most 200 characters.
# Also the message of the merchant profile's `state` field (field messages are per
# field path, site-wide).
err-field-state = Choose a state from the list.
err-field-min_price_cny = Enter an amount such as 50 or 99.50 (at most two decimals).
err-field-max_price_cny = Enter an amount such as 200 or 199.99 (at most two decimals).
err-field-sort = Choose an order from the list.
err-field-page = There is no such page; start again from the first.
err-field-per_page = The number of results per page is not valid.
search-beyond = There are no more results on this page.
search-first-page = Back to the first page
