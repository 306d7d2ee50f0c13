# Events (/events, /events/registrations/…, /operator/events): English by default.
op-nav-events = Events
portal-nav-events = Events
ev-list-title = Events
ev-list-intro = Conferences and workshops on selling to China, for US businesses on Gateway and those thinking about it. Registration is free.
ev-list-none = No event is planned at the moment.
ev-when = { $from } – { $to } ({ $zone } time)
ev-seats-left = { $count ->
    [one] 1 seat left
   *[other] { $count } seats left
}
ev-full = { $count ->
    [0] Full: register to join the waitlist.
    [one] Full: 1 person on the waitlist.
   *[other] Full: { $count } people on the waitlist.
}
ev-back-to-list = All events
ev-back-to-event = The event
ev-programme = Programme
ev-session-when = When
ev-session-title = Session
ev-session-room = Room
ev-register-title = Register
ev-register-hint = Registration is free. You will get a link to your registration: keep it to cancel or add the event to your calendar.
ev-register-waitlist-hint = The event is full. Register to join the waitlist: when someone cancels, the first on the waitlist gets their seat automatically.
ev-register = Register
ev-join-waitlist = Join the waitlist
ev-registration-closed = Registration closed when the event started.
ev-name = Your name
ev-business = Business name
ev-state = State
ev-kind = You are
ev-kind-merchant = A merchant selling on Gateway
ev-kind-prospect = A business thinking about selling to China
ev-already-registered = This e-mail address is already registered for this event. Use the link you were given to see or cancel the registration.
ev-registration-title = Your registration
ev-keep-link = Keep this page's address: it is the only way to see, cancel or download your registration.
ev-status = Status
ev-status-confirmed = Confirmed
ev-status-waitlisted = Waitlisted
ev-status-cancelled = Cancelled
ev-waitlist-position = Waitlist position
ev-waitlist-explained = When someone cancels, the first on the waitlist gets their seat automatically, and this page says so.
ev-check-in-code = Check-in code
ev-checked-in = Checked in
ev-add-to-calendar = Add to calendar (.ics)
ev-cancel = Cancel my registration
ev-cancel-hint = Cancelling gives your seat to the first person on the waitlist. It cannot be undone.
ev-done-registered = You are registered. Show the check-in code at the door.
ev-done-cancelled = Your registration is cancelled.
# The console
ev-op-title = Events
ev-op-event = Event
ev-op-when = When
ev-op-capacity = Capacity (seats)
ev-op-create = Create an event
ev-op-create-button = Create the event
ev-op-created = The event is created and open for registration.
ev-op-title-en = Title in English
ev-op-title-zh = Title in Chinese (optional)
ev-op-description-en = Description in English
ev-op-description-zh = Description in Chinese (optional)
ev-op-venue-name = Venue
ev-op-venue-address = Street address
ev-op-venue-city = City
ev-op-time-zone = Time zone of the venue
ev-op-starts = Starts
ev-op-ends = Ends
ev-op-local-hint = The venue's local time.
ev-op-sessions-hint = Leave a row empty for no session. Sessions must lie within the event's dates.
ev-op-session = Session { $number }
ev-op-public-page = Public page
ev-op-counts = { $confirmed } of { $capacity } seats taken; { $waitlisted } on the waitlist.
ev-op-check-in = Check-in at the door
ev-op-check-in-button = Check in
ev-op-checked-in = { $name } is checked in.
ev-op-code-unknown = No registration of this event has this code.
ev-op-code-refused = This registration is not confirmed (waitlisted or cancelled): no seat.
ev-op-by-state = Registrations by state
ev-op-total = All states
ev-op-registrations = Registrations
ev-op-no-registrations = Nobody has registered yet.
ev-op-more = Only the first 200 registrations are shown; the API lists them all.
# Fields and refusals
err-field-name = Enter your name (at most 200 characters).
err-field-business_name = Enter the business name (at most 200 characters), or leave it empty.
err-field-venue-name = Enter the venue (at most 200 characters).
err-field-venue-address = Enter the street address (at most 200 characters).
err-field-venue-city = Enter the city (at most 100 characters).
err-field-venue-state = Choose the state from the list.
err-field-time_zone = Choose the venue's time zone from the list.
err-field-starts_at = Enter the start as a date and time.
err-field-ends_at = Enter the end as a date and time, after the start; sessions must end within the event.
err-field-capacity = Enter the number of seats, a whole number from 1 to 100,000.
err-field-code = Enter the 8-character check-in code.
problem-event_registration_closed = Registration closed when the event started.
problem-event_already_registered = This e-mail address is already registered for this event.
problem-event_capacity_below_confirmed = The capacity cannot be lower than the registrations already confirmed.
problem-event_check_in_refused = This registration is not confirmed: no seat.
problem-event_registration_cancelled = This registration was cancelled.
