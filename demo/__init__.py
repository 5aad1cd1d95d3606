"""A believable demo pilot: ten municipalities, 100 entrepreneurs, 100 jobseekers and their
internships, benefits, reviews and guidance, drawn from one seed (``manage.py seed_demo``).

plan.py draws the data without the database; builder.py writes it through the services.
"""
